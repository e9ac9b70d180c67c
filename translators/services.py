"""Writes with rules for translators: save a translation, confirm one, keep snapshots."""

from django.db import transaction

from translators.fingerprints import fingerprint
from translators.models import TranslationSnapshot
from translators.registry import PHOTO


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


@transaction.atomic
def save_translation(kind, instance, language, values, *, user, confirmed=(), photos=()):
    """Save one object's target-language fields and its photos' alt texts and captions.

    `values` holds only target-language fields (the form never offers others); fields
    in `confirmed` are marked "still correct" even if unchanged. `photos` is a list of
    (photo, values, confirmed) triples. Photos first, so the article's stored state,
    computed when it saves, already sees them.
    """
    for photo, photo_values, photo_confirmed in photos:
        _save_target(PHOTO, photo, language, photo_values, confirmed=photo_confirmed, user=user)
    _save_target(kind, instance, language, values, confirmed=confirmed, user=user)
    return instance
