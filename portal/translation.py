"""modeltranslation registrations for site-wide content, nothing else."""

from modeltranslation.translator import TranslationOptions, register

from portal.models import Document, SiteSettings, StaticPage


@register(SiteSettings)
class SiteSettingsTranslation(TranslationOptions):
    fields = ("quote_text", "quote_attribution", "address")


@register(StaticPage)
class StaticPageTranslation(TranslationOptions):
    fields = ("title", "slug", "body")


@register(Document)
class DocumentTranslation(TranslationOptions):
    fields = ("title",)
