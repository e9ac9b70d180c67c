"""Writes with rules for translators: save a translation, confirm one, keep snapshots.

Every save is a django-reversion revision (who, and how: "editor" or "XLIFF import
<sha256>"), claims the object's edit version where the model has one (an editor's form
opened before it is then refused, and so is a translator's opened before an editor's
save), and stores its segments in translation memory.
"""

from contextlib import contextmanager

import reversion
from django.db import transaction

from core.concurrency import claim
from translators import inline, memory
from translators.fingerprints import fingerprint, is_blank
from translators.models import TranslationSnapshot
from translators.registry import PHOTO

EDITOR_COMMENT = "editor"


@contextmanager
def recorded(user, comment):
    """One transaction and one revision for what is saved inside (registered models only)."""
    with transaction.atomic(), reversion.create_revision(atomic=False):
        reversion.set_user(user)
        reversion.set_comment(comment[:1000])
        yield


def store_snapshots(kind, instance, snapshots, user=None):
    """Remember the source text each listed translation was made from (one statement)."""
    rows = [
        TranslationSnapshot(
            kind=kind.key,
            object_id=instance.pk,
            language=language,
            field=field,
            fingerprint=fingerprint(source),
            source_text=source,
            translated_by=user,
        )
        for language, field, source in snapshots
    ]
    TranslationSnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["kind", "object_id", "language", "field"],
        update_fields=["fingerprint", "source_text", "translated_by", "translated_at"],
    )


def _save_target(kind, instance, language, values, *, confirmed, user):
    """Set and save target fields only; the model's save() sanitises rich text and the
    tracking signal fingerprints what changed. Source columns are never written."""
    for field, value in values.items():
        setattr(instance, f"{field}_{language}", value)
    instance._translations_confirmed = {language: set(confirmed)}
    instance._translated_by = user
    columns = [f"{field}_{language}" for field in kind.editable]
    instance.save(update_fields=[*columns, "translation_fingerprints", "updated_at"])


def has_edit_version(instance):
    return any(field.name == "edit_version" for field in instance._meta.concrete_fields)


def remember(kind, instance, language, fields):
    """Store the saved translation of `fields` in memory, segment by segment."""
    source_language = (
        instance.article.source_language if kind is PHOTO else instance.source_language
    )
    entries = []
    for name in fields:
        if name not in kind.fields:
            continue  # slugs are not translations
        source = getattr(instance, f"{name}_{source_language}", "") or ""
        target = getattr(instance, f"{name}_{language}", "") or ""
        if is_blank(source) or is_blank(target):
            continue
        rich = name in kind.rich
        cut = inline.segment_html(source) if rich else inline.segment_plain(source)
        entries.append((cut, target, rich))
    memory.store(source_language, language, entries)


@transaction.atomic
def save_translation(
    kind, instance, language, values, *, user, confirmed=(), photos=(), opened_version=None
):
    """Save one object's target-language fields and its photos' alt texts and captions.

    `values` holds only target-language fields (the form never offers others); fields
    in `confirmed` are marked "still correct" even if unchanged. `photos` is a list of
    (photo, values, confirmed) triples. Photos first, so the article's stored state,
    computed when it saves, already sees them. `opened_version` is the edit version the
    form was opened at (None: the row as locked now); a stale one raises
    core.concurrency.StaleEditError and nothing is saved. Call it inside `recorded()`
    for a revision.
    """
    if has_edit_version(instance):
        claim(instance, instance.edit_version if opened_version is None else opened_version)
    for photo, photo_values, photo_confirmed in photos:
        _save_target(PHOTO, photo, language, photo_values, confirmed=photo_confirmed, user=user)
        remember(PHOTO, photo, language, photo_values)
    _save_target(kind, instance, language, values, confirmed=confirmed, user=user)
    remember(kind, instance, language, values)
    if reversion.is_active() and reversion.is_registered(type(instance)):
        reversion.add_to_revision(instance)
    return instance
