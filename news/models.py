"""The news domain: categories, tags, articles, their photos and their daily view counts."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce, Length, Trim
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import i18n
from core.i18n import LANGUAGE_CODES
from core.models import TimeStamped, Translatable
from core.sanitizer import sanitize_html
from core.text import plain_text, search_text, slugify_az
from news.addresses import article_path


def filled(column):
    """SQL condition: a translation column holds more than white space (it may be NULL)."""
    return GreaterThan(Length(Trim(Coalesce(column, models.Value("")))), 0)


class Category(Translatable, TimeStamped):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return str(self.text("name"))

    def clean(self):
        self.strip_translations(["name", "slug"])
        for code in LANGUAGE_CODES:
            if not self.has_text("name", code):
                raise ValidationError(
                    {f"name_{code}": _("A category needs its name in every language.")}
                )

    def save(self, *args, **kwargs):
        self.strip_translations(["name", "slug"])
        for code in LANGUAGE_CODES:
            if not getattr(self, f"slug_{code}", ""):
                name = getattr(self, f"name_{code}", "") or self.name_az or self.name_en or ""
                setattr(self, f"slug_{code}", slugify_az(name) or f"category-{self.pk or 'new'}")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("news:category", kwargs={"category_slug": self.slug_for()})

    def slug_for(self, language=None):
        language = language or i18n.current_language()
        return getattr(self, f"slug_{language}", "") or self.slug_az or self.slug_en


class Tag(Translatable, TimeStamped):
    class Kind(models.TextChoices):
        TOPIC = "topic", pgettext_lazy("tag kind", "Topic")
        PLACE = "place", pgettext_lazy("tag kind", "Place")

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=100, blank=True)
    # Places (Xankəndi, Laçın...) are tags like topics; the kind only groups them.
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TOPIC)

    class Meta:
        ordering = ["id"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return str(self.text("name"))

    def get_absolute_url(self):
        return reverse("news:topic", kwargs={"tag_slug": self.slug_for()})

    def slug_for(self, language=None):
        language = language or i18n.current_language()
        return getattr(self, f"slug_{language}", "") or self.slug_az or self.slug_en or "tag"

    def save(self, *args, **kwargs):
        self.strip_translations(["name", "slug"])
        for code in LANGUAGE_CODES:
            if not getattr(self, f"slug_{code}", ""):
                setattr(self, f"slug_{code}", slugify_az(getattr(self, f"name_{code}", "") or ""))
        super().save(*args, **kwargs)


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Articles readers may see listed: published, and their time has come.

        A future publication time is how scheduling works: no cron job, the row
        simply starts matching when its time comes.
        """
        now = now or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now)

    def reachable(self, now=None):
        """Articles whose page answers: the published ones and the withdrawn ones,
        which stay reachable with a public notice instead of vanishing."""
        now = now or timezone.now()
        return self.filter(
            status__in=[Article.Status.PUBLISHED, Article.Status.WITHDRAWN],
            published_at__lte=now,
        )

    def written_in(self, language):
        """Articles really written in `language` (a title and a body), no fallback."""
        return self.filter(written_languages__contains=language)

    def for_listing(self):
        """Only what a list of articles shows: loading whole articles costs more than
        the query that finds them."""
        return self.select_related("category").only(
            "id",
            "published_at",
            "status",
            "source_language",
            "written_languages",
            "photo",
            "photo_width",
            "photo_height",
            "photo_renditions",
            *[f"title_{code}" for code in LANGUAGE_CODES],
            *[f"slug_{code}" for code in LANGUAGE_CODES],
            # Listings show each article's lead under its title.
            *[f"lead_{code}" for code in LANGUAGE_CODES],
            "category__id",
            *[f"category__name_{code}" for code in LANGUAGE_CODES],
            *[f"category__slug_{code}" for code in LANGUAGE_CODES],
        )


class ShownArticle:
    """How an article shows to readers: in which language, under which address.

    Shared by Article and by ArticleSummary, the lighter rows a results page reads;
    both carry the per-language fields (title_az, slug_en...), `written_languages`
    and `source_language`.
    """

    def text(self, field, language=None):
        """The field as shown to readers of `language`.

        All of an article's texts come from one language, the one it is shown in,
        so a page never mixes an English title with an Azerbaijani body.
        """
        requested = language or i18n.current_language()
        shown = i18n.localized(self, field, self.original_language(requested))
        return i18n.LocalizedText(shown.text, shown.language, requested)

    def is_written_in(self, language):
        return language in self.languages

    @property
    def languages(self):
        """The languages this article is really written in (as last saved)."""
        return self.written_languages.split()

    def original_language(self, requested=None):
        """The language to show for `requested`: itself if written in it, else the source."""
        requested = requested or i18n.current_language()
        if self.is_written_in(requested):
            return requested
        languages = self.languages
        if self.source_language in languages or not languages:
            return self.source_language
        return languages[0]

    def slug_for(self, language=None):
        language = language or i18n.current_language()
        return (
            getattr(self, f"slug_{language}", "")
            or getattr(self, f"slug_{self.source_language}", "")
            or self.slug_az
            or self.slug_en
            or "article"
        )

    def get_absolute_url(self, language=None):
        language = language or i18n.current_language()
        return article_path(language, self.pk, self.slug_for(language))


class ArticleSummary(ShownArticle):
    """An article as a list shows it, read without a model instance: loading 20 model
    instances through the ORM costs several times the query that finds them (see
    news.search). Read-only; `fields` are attribute names as on Article."""

    def __init__(self, category, **fields):
        self.__dict__.update(fields)
        self.category = category

    @property
    def pk(self):
        return self.id


class Article(ShownArticle, Translatable, TimeStamped):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("article status", "Draft")
        REVIEW = "review", pgettext_lazy("article status", "In review")
        PUBLISHED = "published", pgettext_lazy("article status", "Published")
        WITHDRAWN = "withdrawn", pgettext_lazy("article status", "Withdrawn")

    TRANSLATED_TEXT = [
        "title",
        "slug",
        "lead",
        "body",
        "photo_alt",
        "change_note",
        "withdrawn_reason",
    ]

    # No single-column indexes besides the key and the Meta ones, as every index is written
    # again each time the row moves (a view count flushed, an edit): an article is found
    # by its id (the slug in its address is only checked), its section and status lead
    # article_category_idx and article_public_idx, and one index per language serves the
    # newsroom's slug checks (equal to, starts with).
    title = models.CharField(_("title"), max_length=300, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, blank=True, db_index=False)
    lead = models.TextField(_("lead"), blank=True)
    # Sanitised HTML: cleaned on save, rendered as is.
    body = models.TextField(_("body"), blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("category"),
        db_index=False,
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("tags"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication time"),
        default=timezone.now,
        help_text=_("Readers see this date. A future time schedules the article."),
    )
    photo = models.ImageField(
        _("main photo"),
        upload_to="articles/%Y/%m/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_renditions = models.JSONField(default=dict, blank=True, editable=False)
    photo_alt = models.CharField(_("photo description (alt text)"), max_length=300, blank=True)
    photo_caption_az = models.CharField(_("photo caption [az]"), max_length=300, blank=True)
    photo_caption_en = models.CharField(_("photo caption [en]"), max_length=300, blank=True)
    photo_credit_az = models.CharField(_("photo credit [az]"), max_length=200, blank=True)
    photo_credit_en = models.CharField(_("photo credit [en]"), max_length=200, blank=True)
    # The library photo the main photo is (news.newsroom.library): the same file and
    # renditions, never a copy. An uploaded main photo joins the library too.
    library_photo = models.ForeignKey(
        "Photo",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="main_uses",
        verbose_name=_("main photo from the library"),
    )
    view_count = models.PositiveBigIntegerField(_("views"), default=0, editable=False)
    change_note = models.CharField(_("public change note"), max_length=300, blank=True)
    change_noted_at = models.DateTimeField(_("change note time"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)
    # The languages with both a title and a body, e.g. "az en"; kept by save() so
    # listings know each row's language without loading bodies.
    written_languages = models.CharField(max_length=20, blank=True, editable=False)
    # Search text per language (folded, spellings unified): core.text.search_text.
    search_az = models.TextField(blank=True, editable=False)
    search_en = models.TextField(blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        editable=False,
    )
    # Optimistic locking (core.concurrency.claim): a form carries the version it was opened at.
    edit_version = models.PositiveIntegerField(default=1, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", _("Can publish, schedule and withdraw articles"))]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="article_public_idx"),
            # The newsroom's article list, all statuses, newest first (news.newsroom.admin),
            # and its "missing a language" filters.
            models.Index(fields=["-published_at", "-id"], name="article_newsroom_idx"),
            models.Index(
                fields=["-published_at", "-id"],
                condition=~Q(written_languages__contains="az"),
                name="article_missing_az_idx",
            ),
            models.Index(
                fields=["-published_at", "-id"],
                condition=~Q(written_languages__contains="en"),
                name="article_missing_en_idx",
            ),
            models.Index(
                fields=["category", "status", "-published_at", "-id"],
                name="article_category_idx",
            ),
            # A slug is unique per language (news.newsroom.forms): "=" and LIKE 'prefix%'.
            *[
                models.Index(
                    fields=[f"slug_{code}"],
                    name=f"article_slug_{code}_idx",
                    opclasses=["varchar_pattern_ops"],
                )
                for code in LANGUAGE_CODES
            ],
        ]
        constraints = [
            # Published or withdrawn articles always have a title and a body in at
            # least one language, so no listing can ever show an empty title.
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review"])
                | (filled("title_az") & filled("body_az"))
                | (filled("title_en") & filled("body_en")),
                name="article_public_has_text",
                violation_error_message=_(
                    "A published article needs a title and a body in at least one language."
                ),
            ),
        ]

    def __str__(self):
        return str(self.text("title")) or f"#{self.pk}"

    # Languages ------------------------------------------------------------

    def compute_languages(self):
        """The languages with both a title and a body in the current field values."""
        return [
            code
            for code in LANGUAGE_CODES
            if self.has_text("title", code) and self.has_text("body", code)
        ]

    # Workflow -------------------------------------------------------------

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    @property
    def is_public(self):
        return (
            self.status in (self.Status.PUBLISHED, self.Status.WITHDRAWN)
            and self.published_at <= timezone.now()
        )

    # Validation and saving ------------------------------------------------

    def clean(self):
        self.strip_translations(self.TRANSLATED_TEXT)
        if (
            self.status in (self.Status.PUBLISHED, self.Status.WITHDRAWN)
            and not self.compute_languages()
        ):
            raise ValidationError(
                _("A published article needs a title and a body in at least one language.")
            )
        if self.status == self.Status.WITHDRAWN and not any(
            self.has_text("withdrawn_reason", code) for code in LANGUAGE_CODES
        ):
            raise ValidationError({"withdrawn_reason_az": _("Say why the article is withdrawn.")})

    def save(self, *args, **kwargs):
        self.strip_translations(self.TRANSLATED_TEXT)
        for code in LANGUAGE_CODES:
            setattr(self, f"body_{code}", sanitize_html(getattr(self, f"body_{code}", "") or ""))
            if not getattr(self, f"slug_{code}", "") and self.has_text("title", code):
                setattr(self, f"slug_{code}", slugify_az(getattr(self, f"title_{code}")))
        self.written_languages = " ".join(self.compute_languages())
        self.search_az = self._search_document("az")
        self.search_en = self._search_document("en")
        if self.status == self.Status.WITHDRAWN and not self.withdrawn_at:
            self.withdrawn_at = timezone.now()
        # Published again after a withdrawal: the notice goes into its history, public.
        republished = self.status == self.Status.PUBLISHED and self.withdrawn_at is not None
        withdrawn_at = self.withdrawn_at
        if self.status != self.Status.WITHDRAWN:
            self.withdrawn_at = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {
                "search_az",
                "search_en",
                "written_languages",
            }
            if republished:
                kwargs["update_fields"].add("withdrawn_at")
        if not republished:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            super().save(*args, **kwargs)
            WithdrawalNotice.objects.create(
                article=self,
                withdrawn_at=withdrawn_at,
                republished_at=timezone.now(),
                **{
                    f"reason_{code}": getattr(self, f"withdrawn_reason_{code}", "") or ""
                    for code in LANGUAGE_CODES
                },
            )

    def _search_document(self, language):
        """The search text (core.text.search_text) of the title, lead and body as readers
        of `language` see them (with fallback), and of the other languages' titles and
        leads, so a query in either language finds the article (news.search)."""
        shown = self.original_language(language)
        parts = [
            getattr(self, f"title_{shown}", "") or "",
            getattr(self, f"lead_{shown}", "") or "",
            plain_text(getattr(self, f"body_{shown}", "") or ""),
        ]
        for other in self.languages:
            if other != shown:
                parts += [getattr(self, f"{name}_{other}", "") or "" for name in ("title", "lead")]
        return search_text(" ".join(parts))


class ArticlePhoto(TimeStamped):
    """A gallery photo: one upload, alt text and caption in each language."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="photos", verbose_name=_("article")
    )
    image = models.ImageField(
        _("image"), upload_to="gallery/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    alt = models.CharField(_("description (alt text)"), max_length=300, blank=True)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    translation_fingerprints = models.JSONField(default=dict, blank=True, editable=False)
    # The library photo this one shows (news.newsroom.library): the same file, its credit
    # copied here so the gallery needs no second query.
    source = models.ForeignKey(
        "Photo",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="uses",
        verbose_name=_("photo from the library"),
    )
    credit_az = models.CharField(_("credit [az]"), max_length=200, blank=True)
    credit_en = models.CharField(_("credit [en]"), max_length=200, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("gallery photo")
        verbose_name_plural = _("gallery photos")

    def __str__(self):
        return str(i18n.localized(self, "caption")) or f"#{self.pk}"


class WithdrawalNotice(models.Model):
    """A withdrawal that ended when the article was published again: its notice stays
    public on the article page ("Republished on …"), in each language it was given in."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="withdrawal_notices"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"))
    republished_at = models.DateTimeField(_("republished at"))
    reason_az = models.CharField(
        _("reason for withdrawal (Azerbaijani)"), max_length=300, blank=True
    )
    reason_en = models.CharField(_("reason for withdrawal (English)"), max_length=300, blank=True)

    class Meta:
        ordering = ["-republished_at", "-id"]
        verbose_name = _("withdrawal notice")
        verbose_name_plural = _("withdrawal notices")

    def __str__(self):
        return f"{self.article_id} {self.withdrawn_at:%Y-%m-%d}"


class DailyViews(models.Model):
    """Views of one article on one day (Asia/Baku), for "most read" over a window."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="daily_views_unique_day")
        ]
        indexes = [models.Index(fields=["day", "article"], name="daily_views_day_idx")]
        verbose_name = _("daily views")
        verbose_name_plural = _("daily views")

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.count}"


class ViewFlush(models.Model):
    """A batch of buffered view counts already added to the totals (news.view_counts.buffer).

    Written in the same transaction as the counts, so a batch that is flushed twice
    (its flusher died after committing, before deleting it from Redis) counts once.
    """

    batch = models.CharField(max_length=80, unique=True)
    flushed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("flushed view batch")
        verbose_name_plural = _("flushed view batches")

    def __str__(self):
        return self.batch


class PublishedCount(models.Model):
    """How many published articles each section holds, scheduled ones included.

    On PostgreSQL a trigger on news_article keeps these rows (migration 0011), in the
    transaction of each change, so a listing knows its number of pages without counting
    tens of thousands of index entries after every edit (news.selectors). SQLite has no
    trigger and no rows here; listings there count.
    """

    category_id = models.BigIntegerField(primary_key=True)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("published count")
        verbose_name_plural = _("published counts")

    def __str__(self):
        return f"{self.category_id}: {self.count}"


class SearchEntry(models.Model):
    """A published article's search vector in one language, in a table of its own.

    On PostgreSQL a trigger on news_article keeps these rows (migration 0005), so every
    writer keeps search current: the admin, bulk actions, loaders and raw SQL alike. The
    rows are narrow enough for the vector to stay in the row itself: walking the newest
    entries and testing each vector costs about a microsecond a row, where the same test
    on the article table read each vector from TOAST storage at ten times that. SQLite
    has no trigger and no rows here; search there matches the folded text instead.
    """

    # The unique constraint below indexes article lookups; categories are never looked
    # up here, only filtered on while walking the newest entries.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+", db_index=False)
    language = models.CharField(max_length=2)
    # Copies of the article's, so a search filters and orders without reading articles.
    published_at = models.DateTimeField()
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    vector = SearchVectorField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language"], name="search_entry_one_per_language"
            )
        ]
        indexes = [
            models.Index(
                fields=["language", "-published_at", "-article"], name="search_entry_newest_idx"
            )
        ]
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self):
        return f"{self.article_id} ({self.language})"


class Notification(models.Model):
    """An in-admin notice to one staff user: an article was submitted, published or sent
    back. Written by news.newsroom.notifications in the transaction of the change."""

    class Event(models.TextChoices):
        SUBMITTED = "submitted", _("submitted for review")
        PUBLISHED = "published", _("published")
        RETURNED = "returned", _("sent back to draft")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="newsroom_notifications"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=12, choices=Event.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return f"{self.get_event_display()}: {self.article_id} → {self.recipient_id}"


class Photo(models.Model):
    """A photo of the library: one stored image with its renditions, described and
    credited in each language, reusable in any number of articles' galleries."""

    image = models.ImageField(
        _("image"), upload_to="gallery/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    alt_az = models.CharField(_("description (alt text) [az]"), max_length=300, blank=True)
    alt_en = models.CharField(_("description (alt text) [en]"), max_length=300, blank=True)
    caption_az = models.CharField(_("caption [az]"), max_length=300, blank=True)
    caption_en = models.CharField(_("caption [en]"), max_length=300, blank=True)
    credit_az = models.CharField(_("credit [az]"), max_length=200, blank=True)
    credit_en = models.CharField(_("credit [en]"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("library photo")
        verbose_name_plural = _("photo library")

    def __str__(self):
        return self.caption_az or self.caption_en or self.alt_az or self.alt_en or f"#{self.pk}"
