"""Every content change bumps the cache version, so no reader sees a stale page."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from news.cache import bump_content_version

CONTENT_MODELS = {
    "news.article",
    "news.articlephoto",
    "news.category",
    "news.tag",
    "portal.sitesettings",
    "portal.staticpage",
    "portal.document",
}


@receiver(post_save)
@receiver(post_delete)
def content_changed(sender, update_fields=None, **kwargs):
    if sender._meta.label_lower not in CONTENT_MODELS:
        return
    # A view-count update alone changes no page text.
    if update_fields and set(update_fields) <= {"view_count"}:
        return
    bump_content_version()


@receiver(m2m_changed)
def tags_changed(sender, **kwargs):
    if kwargs.get("action", "").startswith("post_"):
        bump_content_version()
