"""Optimistic locking: a save made from a form opened before someone else's save is refused.

A model that takes part has an integer `edit_version` field. A form carries the version it
was opened at; `claim` moves the row from that version to the next in the same transaction
as the write, or raises `StaleEditError` when the row has moved on. The conditional UPDATE is
what makes two saves in the same second safe: PostgreSQL lets exactly one of them match.
"""

from django.db import transaction
from django.db.models import F


class StaleEditError(Exception):
    """The row changed after the form was opened; `current` is the row as it is now."""

    def __init__(self, current):
        super().__init__(f"{current._meta.label} {current.pk} changed since the form was opened")
        self.current = current


def claim(instance, opened_version):
    """Bump `instance`'s row from `opened_version`, or raise StaleEditError; inside atomic()."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim() must run in the transaction that writes the row")
    model = type(instance)
    updated = model._default_manager.filter(pk=instance.pk, edit_version=opened_version).update(
        edit_version=F("edit_version") + 1
    )
    if not updated:
        raise StaleEditError(model._default_manager.get(pk=instance.pk))
    instance.edit_version = int(opened_version) + 1
