"""Store fingerprints and the board's state summary on rows that were written around the
model (bulk loads, old data), so the status board can filter and count them."""

from django.core.management.base import BaseCommand
from django.db import transaction

from translators import state, tracking
from translators.registry import ARTICLE, BOARD_KINDS, PHOTO

BATCH = 1000


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
        if not everything:
            objects = objects.exclude(translation_fingerprints__has_key=state.STATE_KEY)
        if kind is ARTICLE:
            objects = objects.prefetch_related("photos")
        done, batch, photos_batch = 0, [], []
        for obj in objects.iterator(chunk_size=BATCH):
            photos = list(obj.photos.all()) if kind is ARTICLE else []
            for photo in photos:
                _baseline(photo, PHOTO, obj.source_language)
            _baseline(obj, kind, obj.source_language)
            tracking.store_summary(obj, kind, photos)
            batch.append(obj)
            photos_batch += photos
            if len(batch) >= BATCH:
                self._write(kind, batch, photos_batch)
                done += len(batch)
                batch, photos_batch = [], []
        if batch:
            self._write(kind, batch, photos_batch)
            done += len(batch)
        return done

    @staticmethod
    def _write(kind, objects, photos):
        # Straight to the columns: a save() would re-run the tracking signal for nothing.
        with transaction.atomic():
            kind.model.objects.bulk_update(objects, ["translation_fingerprints"])
            if photos:
                PHOTO.model.objects.bulk_update(photos, ["translation_fingerprints"])


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
