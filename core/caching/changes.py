"""Which saves are content changes: apps name their content models here.

Only the models an app registers bump the content version, so editing a user's groups
or a translator's profile leaves every cached page where it is.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from core.caching.version import bump

# Fields whose change alone changes no page text (a view count).
IGNORED_FIELDS = frozenset({"view_count"})


def _saved(sender, update_fields=None, **kwargs):
    if update_fields and set(update_fields) <= IGNORED_FIELDS:
        return
    bump()


def _deleted(sender, **kwargs):
    bump()


def _relations_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        bump()


def watch_models(*models):
    """Every save or delete of these models, and every change of their many-to-many
    relations, bumps the content version in the same transaction."""
    for model in models:
        uid = f"core.caching:{model._meta.label_lower}"
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}:save", weak=False)
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}:delete", weak=False)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _relations_changed,
                sender=through,
                dispatch_uid=f"{uid}:{field.name}",
                weak=False,
            )
