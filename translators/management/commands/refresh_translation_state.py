"""Store fingerprints and the board's state summary on rows that were written around the
model (bulk loads, old data), so the status board reads them without their text."""

from django.core.management.base import BaseCommand
from django.db import transaction

from translators import state, tracking
from translators.registry import ARTICLE, BOARD_KINDS, PHOTO

BATCH = 500


class Command(BaseCommand):
    help = "Fill missing translation fingerprints and state summaries (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="recompute every row, not only rows without one"
        )

    def handle(self, *args, **options):
        for kind in BOARD_KINDS.values():
            done = self._refresh(kind, everything=options["all"])
            self.stdout.write(f"{kind.key}: {done} refreshed")

    def _refresh(self, kind, *, everything):
        objects = kind.model.objects.order_by("pk")
        if kind is ARTICLE:
            objects = objects.prefetch_related("photos")
        done = 0
        for obj in objects.iterator(chunk_size=BATCH):
            if not everything and state.stored_summary(obj):
                continue
            photos = list(obj.photos.all()) if kind is ARTICLE else []
            with transaction.atomic():
                for photo in photos:
                    _baseline(photo, PHOTO, obj.source_language)
                    type(photo).objects.filter(pk=photo.pk).update(
                        translation_fingerprints=photo.translation_fingerprints
                    )
                _baseline(obj, kind, obj.source_language)
                tracking.store_summary(obj, kind, photos)
                kind.model.objects.filter(pk=obj.pk).update(
                    translation_fingerprints=obj.translation_fingerprints
                )
            done += 1
        return done


def _baseline(obj, kind, source_language):
    """Filled translations without a fingerprint are taken as made from today's source."""
    fingerprints = dict(obj.translation_fingerprints or {})
    for language in state.LANGUAGE_CODES:
        if language == source_language:
            continue
        known = dict(fingerprints.get(language) or {})
        for name in kind.fields:
            source = state.text(obj, name, source_language)
            if name not in known and source.strip() and state.text(obj, name, language).strip():
                known[name] = tracking.fingerprint(source)
        if known:
            fingerprints[language] = known
    obj.translation_fingerprints = fingerprints
