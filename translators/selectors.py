"""Reads for the translators' pages: the status board's rows and counts.

The board reads each kind's rows in one query that loads only ids, dates, titles and
the stored state summary; rows saved before tracking began (no summary) are read
again, with their text, in one more query per kind. The number of queries never
depends on the number of rows.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from news.i18n import localized
from translators import state
from translators.registry import ARTICLE, BOARD_KINDS, PHOTO
from translators.state import LANGUAGE_CODES

TITLE_FIELDS = {"article": "title", "category": "name", "page": "title"}
TIME_FIELDS = {"article": "published_at"}


@dataclass
class BoardRow:
    kind: object
    obj: object
    sort_time: object
    source_language: str
    # {language: {"state": ..., "missing": [...], "outdated": [...]}}
    states: dict = field(default_factory=dict)

    @property
    def key(self):
        return f"{self.kind.key}:{self.obj.pk}"

    @property
    def title(self):
        title_field = TITLE_FIELDS.get(self.kind.key)
        if title_field is None:
            return str(self.kind.verbose_name)
        return localized(self.obj, title_field)

    def state_in(self, language):
        return self.states[language]["state"]

    def cells(self):
        """Per language: the state, its label and the fields behind it, in words."""
        return [
            {
                "language": language,
                "state": found["state"],
                "label": state.LABELS[found["state"]],
                "missing": describe(self.kind, found["missing"]),
                "outdated": describe(self.kind, found["outdated"]),
            }
            for language, found in ((code, self.states[code]) for code in LANGUAGE_CODES)
        ]


def describe(kind, names):
    """Field names ("body", "photo:12:alt") as the admin calls them."""
    words = []
    for name in names:
        if name.startswith("photo:"):
            _prefix, pk, field_name = name.split(":")
            label = PHOTO.model._meta.get_field(field_name).verbose_name
            words.append(f"{PHOTO.verbose_name} {pk}: {label}")
        else:
            words.append(str(kind.model._meta.get_field(name).verbose_name))
    return ", ".join(words)


def _base_columns(kind):
    time_field = TIME_FIELDS.get(kind.key, "updated_at")
    columns = ["id", time_field, "source_language", "translation_fingerprints"]
    title_field = TITLE_FIELDS.get(kind.key)
    if title_field:
        columns += [f"{title_field}_{code}" for code in LANGUAGE_CODES]
    return columns


def _queryset(kind, category_id=None):
    objects = kind.model.objects.all()
    if kind is ARTICLE:
        objects = objects.select_related("category").only(
            *_base_columns(kind),
            "status",
            "category__id",
            *[f"category__name_{code}" for code in LANGUAGE_CODES],
        )
        if category_id:
            objects = objects.filter(category_id=category_id)
        return objects
    return objects.only(*_base_columns(kind))


def _with_text(kind, ids):
    """The rows in `ids` with every tracked field (and their photos) loaded."""
    text_columns = [f"{name}_{code}" for name in kind.fields for code in LANGUAGE_CODES]
    objects = kind.model.objects.filter(pk__in=ids).only(
        "id", "source_language", "translation_fingerprints", *text_columns
    )
    if kind is ARTICLE:
        photo_columns = [f"{name}_{code}" for name in PHOTO.fields for code in LANGUAGE_CODES]
        objects = objects.prefetch_related(
            Prefetch(
                "photos",
                queryset=PHOTO.model.objects.only(
                    "id", "article_id", "translation_fingerprints", *photo_columns
                ),
            )
        )
    return {obj.pk: obj for obj in objects}


def _states(summary, source_language):
    states = {}
    for language in LANGUAGE_CODES:
        if language == source_language:
            states[language] = {"state": state.ORIGINAL, "missing": [], "outdated": []}
            continue
        found = summary[language]
        states[language] = {"state": state.overall(found), **found}
    return states


def kind_rows(kind, category_id=None):
    objects = list(_queryset(kind, category_id))
    unsummarised = [obj.pk for obj in objects if not _complete_summary_for(obj)]
    texts = _with_text(kind, unsummarised) if unsummarised else {}
    rows = []
    for obj in objects:
        summary = state.stored_summary(obj)
        if obj.pk in texts:
            loaded = texts[obj.pk]
            photos = list(loaded.photos.all()) if kind is ARTICLE else []
            summary = state.summarise(loaded, kind, loaded.source_language, photos)
        time_field = TIME_FIELDS.get(kind.key, "updated_at")
        rows.append(
            BoardRow(
                kind=kind,
                obj=obj,
                sort_time=getattr(obj, time_field),
                source_language=obj.source_language,
                states=_states(summary, obj.source_language),
            )
        )
    return rows


def _complete_summary_for(obj):
    summary = state.stored_summary(obj) or {}
    needed = [code for code in LANGUAGE_CODES if code != obj.source_language]
    return all(isinstance(summary.get(code), dict) for code in needed)


def board(*, kinds=None, language, category_id=None, state_filter=None):
    """All board rows (newest first) and per-language counts before the state filter."""
    chosen = [BOARD_KINDS[key] for key in (kinds or BOARD_KINDS)]
    if category_id:
        chosen = [kind for kind in chosen if kind is ARTICLE]
    rows = []
    for kind in chosen:
        rows += kind_rows(kind, category_id)
    rows.sort(key=lambda row: (row.sort_time, row.kind.key, row.obj.pk), reverse=True)
    counts = {
        code: {name: sum(1 for row in rows if row.state_in(code) == name) for name in state.STATES}
        for code in LANGUAGE_CODES
    }
    if state_filter:
        rows = [row for row in rows if row.state_in(language) == state_filter]
    return rows, counts


def next_needing_work(kind, language, after_pk, category_id=None):
    """The next object of `kind` in board order, other than `after_pk`, with something
    missing in `language`, else with something outdated; None when the queue is empty."""
    rows = kind_rows(kind, category_id)
    rows.sort(key=lambda row: (row.sort_time, row.obj.pk), reverse=True)
    for wanted in (state.MISSING, state.OUTDATED):
        for row in rows:
            if row.obj.pk != after_pk and row.state_in(language) == wanted:
                return row.obj
    return None
