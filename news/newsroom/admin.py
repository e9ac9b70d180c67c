"""The newsroom in the Django admin: articles with language tabs, rich text, photos, workflow
and revisions. Writes with rules go through news.newsroom.workflow; images through
news.newsroom.images."""

import datetime
import logging
import mimetypes
from math import ceil

import reversion
from csp.decorators import csp_update
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from js_asset import Media as NonceMedia
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from reversion.models import Version

from core.concurrency import EditVersionAdminMixin
from core.editor import body_form_field, editor_csp_update
from news.models import LANGUAGE_CODES, Article, ArticlePhoto, Category, Photo, Tag
from news.newsroom import images, library, notifications, pending, revisions, workflow
from news.newsroom.forms import ArticleAdminForm, ArticlePhotoForm, ImageUploadField, keep_uploads
from news.templatetags.pictures import rendition

logger = logging.getLogger(__name__)
# The restore page asks first (GET) and restores on the answer (POST).
asked_then_done = require_http_methods(["GET", "POST"])


class StorageFailedMixin:
    """A form that refuses the data it was given because storing its files just failed."""

    def clean(self):
        cleaned = super().clean()
        self.add_error(
            None,
            _(
                "The file could not be stored: the server's storage is full or not writable. "
                "Nothing was saved and your text is kept below; try again later or without "
                "the file, and tell the site administrator."
            ),
        )
        return cleaned


NEWSROOM_MEDIA = {
    "css": {"all": ["admin/css/newsroom.css"]},
    "js": [
        "admin/js/newsroom.js",
        "js/admin-newsroom.js",
        "js/admin-prose-editor-i18n.js",
        "js/admin-newsroom-languages.js",
    ],
}


class TabbedTranslationAdmin(TranslationAdmin):
    """modeltranslation's language tabs with every asset served by us.

    Its own TabbedTranslationAdmin takes jQuery UI from a CDN unless a setting says
    otherwise; naming the vendored file here keeps the admin offline-safe regardless.
    """

    class Media:
        js = (
            "admin/js/jquery.init.js",
            "modeltranslation/js/force_jquery.js",
            "vendor/jquery-ui/jquery-ui.min.js",
            "modeltranslation/js/tabbed_translation_fields.js",
        )
        css = {"all": ("modeltranslation/css/tabbed_translation_fields.css",)}


class NonceMediaMixin:
    """Render the form media with the request's CSP nonce.

    The rich-text editor loads as ES modules through an import map, which must be an
    inline `<script type="importmap">`; the nonce lets exactly that one through.
    """

    def render_change_form(self, request, context, *args, **kwargs):
        # django-csp's lazy nonce is falsy until read: reading it adds it to the header.
        if "media" in context and hasattr(request, "csp_nonce"):
            context["media"] = NonceMedia.from_media(context["media"], nonce=str(request.csp_nonce))
        return super().render_change_form(request, context, *args, **kwargs)


@admin.register(Category)
class CategoryAdmin(TabbedTranslationAdmin):
    list_display = ["name", "order"]


@admin.register(Tag)
class TagAdmin(TabbedTranslationAdmin):
    list_display = ["name"]
    search_fields = ["name_az", "name_en"]


# Changelist filters -------------------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    """The stored status, with "scheduled" told apart from published."""

    title = _("status")
    parameter_name = "state"
    SCHEDULED = "scheduled"

    def lookups(self, request, model_admin):
        return [
            (Article.Status.DRAFT, Article.Status.DRAFT.label),
            (Article.Status.REVIEW, Article.Status.REVIEW.label),
            (self.SCHEDULED, pgettext_lazy("article status", "Scheduled")),
            (Article.Status.PUBLISHED, Article.Status.PUBLISHED.label),
            (Article.Status.WITHDRAWN, Article.Status.WITHDRAWN.label),
        ]

    def queryset(self, request, queryset):
        # Plain conditions on the row: an index answers them at 100,000 articles, where
        # a subquery of every published article did not.
        value = self.value()
        now = timezone.now()
        if value == self.SCHEDULED:
            return queryset.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
        if value == Article.Status.PUBLISHED:
            return queryset.filter(status=Article.Status.PUBLISHED, published_at__lte=now)
        if value in Article.Status.values:
            return queryset.filter(status=value)
        return queryset


class WorkFilter(admin.SimpleListFilter):
    """The two lists a newsroom works from: my own articles, and what needs review."""

    title = _("work")
    parameter_name = "work"
    MINE = "mine"
    REVIEW = "review"

    def lookups(self, request, model_admin):
        return [(self.MINE, _("Mine")), (self.REVIEW, _("Needs review"))]

    def queryset(self, request, queryset):
        if self.value() == self.MINE:
            return queryset.filter(author=request.user)
        if self.value() == self.REVIEW:
            return queryset.filter(status=Article.Status.REVIEW)
        return queryset


class YearFilter(admin.SimpleListFilter):
    """Publication year: Django's date hierarchy read every article's date to list the
    years; here two index lookups (the oldest and the newest) bound them."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        times = Article.objects.order_by("published_at").values_list("published_at", flat=True)
        oldest, newest = times.first(), times.last()
        if oldest is None:
            return []
        first, last = timezone.localtime(oldest).year, timezone.localtime(newest).year
        return [(str(year), str(year)) for year in range(last, first - 1, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit() and 1900 < int(value) < 3000:
            start = timezone.make_aware(datetime.datetime(int(value), 1, 1))
            end = timezone.make_aware(datetime.datetime(int(value) + 1, 1, 1))
            return queryset.filter(published_at__gte=start, published_at__lt=end)
        return queryset


class MissingLanguageFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("en", _("Missing English")), ("az", _("Missing Azerbaijani"))]

    def queryset(self, request, queryset):
        if self.value() in LANGUAGE_CODES:
            return queryset.exclude(written_languages__contains=self.value())
        return queryset


class CappedPaginator(Paginator):
    """Counts at most CAP rows: past that, the list says "more than" and offers CAP rows'
    pages; a search or a filter narrows it. A count of 100,000 rows on every page was
    most of the list's time."""

    CAP = 10_000

    @cached_property
    def count(self):
        return self.object_list[: self.CAP + 1].count()

    @property
    def capped(self):
        return self.count > self.CAP

    @cached_property
    def num_pages(self):
        hits = max(1, min(self.count, self.CAP) - self.orphans)
        return ceil(hits / self.per_page)


# Gallery inline -----------------------------------------------------------------------


class ArticlePhotoInline(TranslationStackedInline):
    model = ArticlePhoto
    form = ArticlePhotoForm
    extra = 0
    fields = ["source", "image", "preview", "alt", "caption", "credit_az", "credit_en", "order"]
    readonly_fields = ["preview"]
    # Searched by caption, description or credit (PhotoAdmin.search_fields), never a
    # select of the whole library.
    autocomplete_fields = ["source"]

    @admin.display(description=_("preview"))
    def preview(self, photo):
        return _thumbnail(photo.renditions, photo.image)


def _thumbnail(renditions, field_file):
    chosen = rendition(renditions, images.THUMBNAIL_WIDTH)
    if chosen:
        return format_html(
            '<img class="newsroom-thumb" src="{}" width="{}" height="{}" alt="">',
            chosen["jpeg"],
            chosen["width"],
            chosen["height"],
        )
    # A file chosen with a form that failed is not stored under its name (yet): its
    # preview is the kept upload's, shown by the file input (news.newsroom.pending).
    if field_file and getattr(field_file, "_committed", False):
        return format_html('<img class="newsroom-thumb" src="{}" alt="">', field_file.url)
    return "—"


def _pending_url(token):
    """Where the uploader sees a kept upload (ArticleAdmin.pending_view)."""
    return reverse("admin:news_article_pending", args=[token])


# The photo library --------------------------------------------------------------------


class PhotoForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = [
            "image",
            *(f"{field}_{code}" for field in library.TEXTS for code in LANGUAGE_CODES),
        ]
        field_classes = {"image": ImageUploadField}


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoForm
    list_display = ["thumbnail", "__str__", "credit_az", "created_at"]
    list_display_links = ["thumbnail", "__str__"]
    search_fields = ["caption_az", "caption_en", "alt_az", "alt_en", "credit_az", "credit_en"]
    readonly_fields = ["thumbnail"]
    list_per_page = 50

    @admin.display(description=_("preview"))
    def thumbnail(self, photo):
        return _thumbnail(photo.renditions, photo.image)

    # Whoever may write articles may use and add to the library; whoever may delete
    # articles may delete from it. No permissions of its own to grant.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("news.change_article")

    def has_add_permission(self, request):
        return request.user.has_perm("news.add_article")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("news.change_article")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("news.delete_article")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def save_model(self, request, obj, form, change):
        previous = images.snapshot(obj)
        super().save_model(request, obj, form, change)
        images.refresh_renditions(obj, previous)

    # A photo chosen with a form that failed is kept, as on the article form.
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if request.method == "POST" and response.status_code == 302:
            pending.discard_after_commit(pending.tokens_in(request.POST))
        return response

    def render_change_form(self, request, context, *args, **kwargs):
        if request.method == "POST":
            try:
                keep_uploads([context["adminform"].form], request.user, _pending_url)
            except OSError:
                logger.exception("could not keep the upload of a failed save")
        return super().render_change_form(request, context, *args, **kwargs)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            # Name the articles that show the photo, not their gallery rows.
            protected = [
                format_html("{}: {}", _("article"), article)
                for article in library.articles_showing(objs)
            ]
        return deleted, counts, perms_needed, protected


# Articles -----------------------------------------------------------------------------


@admin.register(Article)
class ArticleAdmin(EditVersionAdminMixin, NonceMediaMixin, TranslationAdmin):
    # No tabs per field: one switch above the form shows Azerbaijani, English or both
    # side by side (static/js/admin-newsroom-languages.js).
    form = ArticleAdminForm
    inlines = [ArticlePhotoInline]
    change_form_template = "admin/news/article/change_form.html"
    list_display = [
        "display_title",
        "display_author",
        "display_status",
        "published_at",
        "view_count",
        "display_languages",
    ]
    list_display_links = ["display_title"]
    list_filter = [WorkFilter, StatusFilter, "category", YearFilter, MissingLanguageFilter]
    list_select_related = ["author"]
    list_per_page = 50
    # At 100,000 articles a count of the whole table on every page is most of its time:
    # the paginator counts at most CappedPaginator.CAP rows, and no total is shown.
    paginator = CappedPaginator
    show_full_result_count = False
    # The search goes through the site's folded full-text search (set by news/admin.py,
    # which may use news.search): search_fields only makes Django show the search box.
    search_fields = ["title_az"]
    search_help_text = _("Searches titles, leads and texts in both languages.")
    # (terms, ids of published matches) for a query; news/admin.py wires news.search in.
    published_search = None
    actions = ["submit_selected", "publish_selected", "unpublish_selected"]
    readonly_fields = ["view_count", "withdrawn_at", "change_noted_at", "photo_preview"]
    # The main photo's library search: the gallery rows' widget (PhotoAdmin.search_fields).
    autocomplete_fields = ["library_photo"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "slug", "lead", "body", "category", "tags", "source_language"]},
        ),
        (
            _("Publication"),
            {"fields": ["status", "published_at", "withdrawn_reason", "withdrawn_at"]},
        ),
        (
            _("Main photo"),
            {
                "fields": [
                    "library_photo",
                    "photo",
                    "photo_preview",
                    "photo_alt",
                    *(
                        f"photo_{field}_{code}"
                        for field in ("caption", "credit")
                        for code in LANGUAGE_CODES
                    ),
                ]
            },
        ),
        (
            _("Public change note"),
            {
                "fields": ["change_note", "change_noted_at"],
                "description": _(
                    "Shown on the article as “Updated &lt;date&gt;: &lt;note&gt;”. "
                    "The date is set when the note changes."
                ),
            },
        ),
        (_("Statistics"), {"fields": ["view_count"], "classes": ["collapse"]}),
    ]

    class Media:
        css = NEWSROOM_MEDIA["css"]
        js = NEWSROOM_MEDIA["js"]

    # Form -------------------------------------------------------------------------------

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name.startswith("body_"):
            kwargs["form_class"] = body_form_field
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # The form needs the user to offer only the statuses they may choose.
        bases = (StorageFailedMixin, form) if getattr(request, "storage_failed", False) else (form,)
        return type(form.__name__, bases, {"user": request.user})

    # What an Author's role cannot use, so their form does not show it: addresses are
    # made from titles, the original language is an editor's call, and only publishers
    # withdraw.
    HIDDEN_FROM_AUTHORS = ("slug", "source_language", "withdrawn_reason", "withdrawn_at")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if workflow.can_publish(request.user):
            return fieldsets
        hidden = self.HIDDEN_FROM_AUTHORS

        def shown(name):
            return not any(name == base or name.startswith(f"{base}_") for base in hidden)

        return [
            (title, {**options, "fields": [name for name in options["fields"] if shown(name)]})
            for title, options in fieldsets
        ]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None:
            return workflow.can_edit(request.user, obj)
        return allowed

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    @admin.display(description=_("current photo"))
    def photo_preview(self, article):
        return _thumbnail(article.photo_renditions, article.photo)

    # Saving: revisions and renditions ---------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The editor's one injected style block is allowed by its hash, on this page only.
        view = csp_update(editor_csp_update())(super().changeform_view)
        if request.method != "POST":
            return view(request, object_id, form_url, extra_context)
        try:
            with reversion.create_revision():
                reversion.set_user(request.user)
                response = view(request, object_id, form_url, extra_context)
                if response.status_code == 302:
                    # Saved: the kept uploads it carried are in the article now, or replaced.
                    pending.discard_after_commit(pending.tokens_in(request.POST))
                return response
        except OSError:
            # Disk full or media folder not writable: the save's transaction is rolled back.
            # Validate the same POST again with a form that refuses it, so the editor sees
            # an error above their text instead of a 500 page that loses it.
            logger.exception("could not store an uploaded file")
            request.storage_failed = True
            return view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, *args, **kwargs):
        if request.method == "POST" and not getattr(request, "storage_failed", False):
            forms_to_check = [context["adminform"].form] + [
                form
                for inline in context.get("inline_admin_formsets", [])
                for form in inline.formset.forms
            ]
            try:
                keep_uploads(forms_to_check, request.user, _pending_url)
            except OSError:
                logger.exception("could not keep the uploads of a failed save")
        return super().render_change_form(request, context, *args, **kwargs)

    def notifications_read_view(self, request):
        notifications.mark_read(request.user)
        return HttpResponseRedirect(reverse("admin:index", current_app=self.admin_site.name))

    def pending_view(self, request, token):
        """A kept upload, shown to the one who uploaded it (the failed form's preview)."""
        name = pending.stored_name(token, request.user)
        if name is None or not self.has_add_permission(request):
            raise Http404
        try:
            handle = default_storage.open(name, "rb")
        except OSError as error:
            raise Http404 from error
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        response = FileResponse(handle, content_type=content_type)
        response["Cache-Control"] = "private, no-store"
        return response

    def construct_change_message(self, request, form, formsets, add=False):
        # Field labels are stored in English, which is the catalogue's msgid: Django's
        # LogEntry.get_change_message() translates each one when it is shown, so a
        # revision reads in the reader's language, not in the language of whoever saved.
        with translation.override("en"):
            return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if reversion.is_active():
            # The JSON message: reversion's Revision.get_comment() renders it per reader.
            reversion.set_comment(entry.change_message or gettext_noop("Created"))
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if reversion.is_active():
            saved_nothing = not entry.get_change_message()
            reversion.set_comment(
                gettext_noop("Saved without changes") if saved_nothing else entry.change_message
            )
        return entry

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        previous = images.snapshot(obj)
        super().save_model(request, obj, form, change)
        if obj.library_photo_id and obj.photo.name == obj.library_photo.image.name:
            # Chosen from the library: its renditions came with it. A file it replaced
            # goes, unless a row still names it.
            if previous[0] and previous[0] != obj.photo.name:
                images.delete_files(
                    [previous[0], *images.rendition_names(previous[1])],
                    obj.photo.storage,
                    original=previous[0],
                )
        else:
            images.refresh_renditions(obj, previous)
            if obj.photo and not obj.library_photo_id:
                library.add_main(obj)
        before = form.initial.get("status") if change else None
        notifications.record(obj, before, obj.status, request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ArticlePhoto:
            return super().save_formset(request, form, formset, change)
        stored = {
            row["pk"]: (row["image"] or None, row["renditions"])
            for row in ArticlePhoto.objects.filter(article=form.instance).values(
                "pk", "image", "renditions"
            )
        }
        formset.save()
        for photo in formset.new_objects + [
            changed for changed, _fields in formset.changed_objects
        ]:
            previous = stored.get(photo.pk)
            if photo.source_id and photo.image.name == photo.source.image.name:
                # Chosen from the library: its renditions came with it. A file it replaced
                # goes, unless a row still names it.
                if previous and previous[0] and previous[0] != photo.image.name:
                    images.delete_files(
                        [previous[0], *images.rendition_names(previous[1])],
                        photo.image.storage,
                        original=previous[0],
                    )
                continue
            images.refresh_renditions(photo, previous)
            if photo.image:
                library.add(photo)
        return None

    # Changelist columns -----------------------------------------------------------------

    @admin.display(description=_("title"), ordering="title_az")
    def display_title(self, article):
        title = article.text("title")
        if not title:
            return format_html("<em>{}</em>", _("(no title)"))
        if title.is_fallback:
            return format_html(
                '<span lang="{}">{}</span> <span class="newsroom-hint">({})</span>',
                title.language,
                title.text,
                title.hint,
            )
        return title.text

    @admin.display(description=_("author"), ordering="author__username")
    def display_author(self, article):
        if article.author is None:
            return "—"
        return article.author.get_full_name() or article.author.get_username()

    # The changelist reads no bodies or search texts: they are most of a row's size.
    LIST_DEFERRED = [
        *(f"{field}_{code}" for field in ("body", "search") for code in LANGUAGE_CODES),
        "body",
        "lead",
        *(f"lead_{code}" for code in LANGUAGE_CODES),
        "photo_renditions",
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            queryset = queryset.defer(*self.LIST_DEFERRED)
        return queryset

    def get_search_results(self, request, queryset, search_term):
        query = search_term.strip()
        if not query or self.published_search is None:
            return queryset, False
        terms, published_ids = self.published_search(query)
        if not terms:
            return queryset.none(), False
        # Readers' search knows only what readers see; the rest (drafts, reviews,
        # withdrawals through a trigram index, and the few scheduled) is matched here on
        # the same folded text.
        hidden = [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN]
        scheduled = {"status": Article.Status.PUBLISHED, "published_at__gt": timezone.now()}
        ids = list(published_ids)
        for unseen in (
            Article.objects.filter(status__in=hidden),
            Article.objects.filter(**scheduled),
        ):
            matching = unseen
            for term in terms:
                matching = matching.filter(
                    Q(**{f"search_{LANGUAGE_CODES[0]}__contains": term})
                    | Q(**{f"search_{LANGUAGE_CODES[1]}__contains": term})
                )
            ids.extend(matching.values_list("pk", flat=True)[: CappedPaginator.CAP])
        return queryset.filter(pk__in=ids), False

    @admin.display(description=_("status"), ordering="status")
    def display_status(self, article):
        if article.is_scheduled:
            return format_html(
                '<span class="newsroom-status newsroom-status--scheduled">{}</span>',
                pgettext_lazy("article status", "Scheduled"),
            )
        return format_html(
            '<span class="newsroom-status newsroom-status--{}">{}</span>',
            article.status,
            article.get_status_display(),
        )

    @admin.display(description=_("languages"))
    def display_languages(self, article):
        written = article.languages
        labels = {True: str(_("written")), False: str(_("missing"))}
        return format_html_join(
            " ",
            '<span class="newsroom-lang newsroom-lang--{}" title="{}">{} {}</span>',
            (
                (
                    "done" if code in written else "missing",
                    labels[code in written],
                    code.upper(),
                    "✓" if code in written else "✗",
                )
                for code in LANGUAGE_CODES
            ),
        )

    # Bulk actions -----------------------------------------------------------------------

    @admin.action(permissions=["change"], description=_("Submit the selected drafts for review"))
    def submit_selected(self, request, queryset):
        done = 0
        for article in queryset.filter(status=Article.Status.DRAFT):
            workflow.submit_for_review(article, request.user)
            done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d article submitted for review.",
                "%(count)d articles submitted for review.",
                done,
            )
            % {"count": done},
        )

    @admin.action(permissions=["publish"], description=_("Publish the selected articles"))
    def publish_selected(self, request, queryset):
        done = workflow.publish_many(queryset, request.user)
        self.message_user(
            request,
            ngettext("%(count)d article published.", "%(count)d articles published.", done)
            % {"count": done},
        )

    @admin.action(
        permissions=["publish"], description=_("Unpublish the selected articles (back to draft)")
    )
    def unpublish_selected(self, request, queryset):
        done = workflow.unpublish_many(queryset, request.user)
        self.message_user(
            request,
            ngettext("%(count)d article unpublished.", "%(count)d articles unpublished.", done)
            % {"count": done},
        )

    # Revisions: list, compare, restore --------------------------------------------------

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "notifications/read/",
                self.admin_site.admin_view(require_POST(self.notifications_read_view)),
                name=f"{info}_notifications_read",
            ),
            path(
                "pending/<str:token>/",
                self.admin_site.admin_view(self.pending_view),
                name=f"{info}_pending",
            ),
            path(
                "<path:object_id>/revisions/",
                self.admin_site.admin_view(self.revisions_view),
                name=f"{info}_revisions",
            ),
            path(
                "<path:object_id>/revisions/compare/",
                self.admin_site.admin_view(self.compare_view),
                name=f"{info}_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:version_id>/restore/",
                self.admin_site.admin_view(asked_then_done(self.restore_view)),
                name=f"{info}_restore",
            ),
            *super().get_urls(),
        ]

    def _article_for(self, request, object_id):
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def _context(self, request, article, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": title,
            "has_view_permission": True,
            "can_restore": self.has_change_permission(request, article),
        }

    def revisions_view(self, request, object_id):
        article = self._article_for(request, object_id)
        versions = list(revisions.versions_of(article))
        context = self._context(request, article, _("Revisions of “%s”") % article)
        context["versions"] = versions
        return TemplateResponse(request, "admin/news/article/revisions.html", context)

    def compare_view(self, request, object_id):
        article = self._article_for(request, object_id)
        versions = revisions.versions_of(article)
        try:
            old = versions.get(pk=int(request.GET.get("old", "")))
            new = versions.get(pk=int(request.GET.get("new", "")))
        except (ValueError, Version.DoesNotExist) as error:
            raise Http404 from error
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        context = self._context(request, article, _("Changes in “%s”") % article)
        context.update({"old": old, "new": new, "rows": revisions.compare(old, new)})
        return TemplateResponse(request, "admin/news/article/revision_compare.html", context)

    def restore_view(self, request, object_id, version_id):
        article = self._article_for(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(revisions.versions_of(article), pk=version_id)
        if request.method != "POST":
            # Asked first: what would change, and a button that restores.
            context = self._context(request, article, _("Restore the texts of “%s”?") % article)
            rows = revisions.restore_preview(article, version)
            context.update({"version": version, "rows": rows})
            return TemplateResponse(request, "admin/news/article/revision_restore.html", context)
        try:
            workflow.restore_revision(article, version, request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                _("The texts of %(date)s are back; the previous texts are kept as a revision.")
                % {
                    "date": timezone.localtime(version.revision.date_created).strftime(
                        "%Y-%m-%d %H:%M"
                    )
                },
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse(
                "admin:news_article_change", args=[article.pk], current_app=self.admin_site.name
            )
        )
