"""A translator's own history: their revisions (django-reversion), what each changed.

Revisions of articles are also in the newsroom's revision list, where editors compare
and restore them like their own; this page is the translator's view of theirs.
"""

from django.core.paginator import Paginator
from reversion.models import Revision, Version

from translators.diff import word_diff
from translators.registry import BOARD_KINDS, kind_for_model
from translators.state import LANGUAGE_CODES

PAGE_SIZE = 20


def _changes(kind, version):
    """The translated fields that differ from the object's previous version, as diffs."""
    previous = (
        Version.objects.get_for_object_reference(
            version.content_type.model_class(), version.object_id
        )
        .filter(pk__lt=version.pk)
        .first()
    )
    old = previous.field_dict if previous is not None else {}
    new = version.field_dict
    rows = []
    model = version.content_type.model_class()
    # Translations only: with no earlier version to compare with, the original would
    # otherwise show as if it had just been typed.
    original = new.get("source_language")
    for name in kind.fields:
        for code in LANGUAGE_CODES:
            if code == original:
                continue
            column = f"{name}_{code}"
            before, after = old.get(column) or "", new.get(column) or ""
            if before != after:
                rows.append(
                    {
                        "field": model._meta.get_field(name).verbose_name,
                        "language": code,
                        "diff": word_diff(before, after),
                    }
                )
    return rows


def own_history(user, page_number):
    """One page of `user`'s revisions, newest first, each with its objects' changes."""
    revisions = (
        Revision.objects.filter(user=user)
        .order_by("-date_created", "-id")
        .prefetch_related("version_set__content_type")
    )
    page = Paginator(revisions, PAGE_SIZE).get_page(page_number)
    entries = []
    for revision in page.object_list:
        objects = []
        for version in revision.version_set.all():
            model = version.content_type.model_class()
            kind = kind_for_model(model) if model is not None else None
            if kind is None:
                continue
            objects.append(
                {
                    "label": version.object_repr,
                    "kind": kind,
                    "object_id": version.object_id,
                    "editable": kind.key in BOARD_KINDS,
                    "changes": _changes(kind, version),
                }
            )
        entries.append({"revision": revision, "objects": objects})
    page.object_list = entries
    return page
