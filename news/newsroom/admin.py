"""The newsroom in the Django admin: articles with language tabs, rich text, photos, workflow
and revisions. Writes with rules go through news.newsroom.workflow; images through
news.newsroom.images."""

import logging

import reversion
from csp.decorators import csp_update
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.http import require_POST
from js_asset import Media as NonceMedia
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from reversion.models import Version

from core.editor import body_form_field, editor_csp_update
from news.models import LANGUAGE_CODES, Article, ArticlePhoto, Category, Tag
from news.newsroom import images, revisions, workflow
from news.newsroom.forms import ArticleAdminForm, ArticlePhotoForm
from news.templatetags.pictures import rendition

logger = logging.getLogger(__name__)


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
    "js": ["admin/js/newsroom.js"],
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
        value = self.value()
        if value == self.SCHEDULED:
            return queryset.filter(status=Article.Status.PUBLISHED).exclude(
                pk__in=Article.objects.published().values("pk")
            )
        if value == Article.Status.PUBLISHED:
            return queryset.filter(pk__in=Article.objects.published().values("pk"))
        if value in Article.Status.values:
            return queryset.filter(status=value)
        return queryset


class MissingLanguageFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("en", _("Missing English")), ("az", _("Missing Azerbaijani"))]

    def queryset(self, request, queryset):
        if self.value() in LANGUAGE_CODES:
            return queryset.exclude(pk__in=Article.objects.written_in(self.value()).values("pk"))
        return queryset


# Gallery inline -----------------------------------------------------------------------


class ArticlePhotoInline(TranslationStackedInline):
    model = ArticlePhoto
    form = ArticlePhotoForm
    extra = 0
    fields = ["image", "preview", "alt", "caption", "order"]
    readonly_fields = ["preview"]

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
    if field_file:
        return format_html('<img class="newsroom-thumb" src="{}" alt="">', field_file.url)
    return "—"


# Articles -----------------------------------------------------------------------------


@admin.register(Article)
class ArticleAdmin(NonceMediaMixin, TabbedTranslationAdmin):
    form = ArticleAdminForm
    inlines = [ArticlePhotoInline]
    change_form_template = "admin/news/article/change_form.html"
    list_display = [
        "display_title",
        "category",
        "display_status",
        "published_at",
        "view_count",
        "display_languages",
    ]
    list_display_links = ["display_title"]
    list_filter = [StatusFilter, "category", MissingLanguageFilter]
    list_select_related = ["category"]
    date_hierarchy = "published_at"
    search_fields = ["title_az", "title_en", "lead_az", "lead_en"]
    actions = ["submit_selected", "publish_selected", "unpublish_selected"]
    readonly_fields = ["view_count", "withdrawn_at", "change_noted_at", "photo_preview"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "slug", "lead", "body", "category", "tags", "source_language"]},
        ),
        (
            _("Publication"),
            {"fields": ["status", "published_at", "withdrawn_reason", "withdrawn_at"]},
        ),
        (_("Main photo"), {"fields": ["photo", "photo_preview", "photo_alt"]}),
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
                return view(request, object_id, form_url, extra_context)
        except OSError:
            # Disk full or media folder not writable: the save's transaction is rolled back.
            # Validate the same POST again with a form that refuses it, so the editor sees
            # an error above their text instead of a 500 page that loses it.
            logger.exception("could not store an uploaded file")
            request.storage_failed = True
            return view(request, object_id, form_url, extra_context)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message() or str(_("Created")))
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message() or str(_("Saved without changes")))
        return entry

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        previous = images.snapshot(obj)
        super().save_model(request, obj, form, change)
        images.refresh_renditions(obj, previous)

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
            images.refresh_renditions(photo, stored.get(photo.pk))
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
        return format_html_join(
            " ",
            '<span class="newsroom-lang newsroom-lang--{}" title="{}">{} {}</span>',
            (
                (
                    "done" if code in written else "missing",
                    _("written") if code in written else _("missing"),
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
                self.admin_site.admin_view(require_POST(self.restore_view)),
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
