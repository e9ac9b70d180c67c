"""Every content change bumps the cache version, so no reader sees a stale page."""

from django.db import connection, transaction
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
    bump_for_change()


@receiver(m2m_changed)
def tags_changed(sender, **kwargs):
    if kwargs.get("action", "").startswith("post_"):
        bump_for_change()


def bump_for_change():
    """Bump now, and again when the change commits.

    Now: so this process (the editor's request, a test) never reads its own change
    through an older cached page. At the commit: until then other processes still
    read the old rows, and a page rendered meanwhile is cached under the version
    bumped now; the second bump makes sure no reader is ever served that page. Then
    the shared pieces are built for the version readers will use.
    """
    bump_content_version()
    if connection.in_atomic_block:
        transaction.on_commit(bump_and_warm)
    else:
        warm()


def bump_and_warm():
    bump_content_version()
    warm()


def warm():
    """Build the pieces every page shares for the new version (portal.shared_pieces),
    so that the first reader after the change does not pay for them."""
    from portal import shared_pieces

    shared_pieces.warm()
