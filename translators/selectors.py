"""Reads for the translators' pages: the status board's rows and counts.

Articles can number in the hundred thousands, so their side of the board runs in the
database: each save stores the per-language state under ``translation_fingerprints
["_state"]`` (see translators.tracking), which the board filters, counts and paginates
with JSON key lookups, loading ids, dates, titles and that JSON for one page only.
Categories, static pages and the quote banner are few: they are read whole and their
state computed in Python from their fields. Rows saved before tracking began (bulk
loads) have no stored state: on the page they are computed from their text (one more
query), and they are counted as "not checked yet" until `refresh_translation_state`
runs. The number of queries never depends on the number of rows.
"""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Case, CharField, Count, IntegerField, Prefetch, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from core.i18n import localized
from translators import state
from translators.models import TranslationSnapshot
from translators.registry import ARTICLE, BOARD_KINDS, PHOTO
from translators.state import LANGUAGE_CODES

TITLE_FIELDS = {"article": "title", "category": "name", "page": "title"}
TIME_FIELDS = {"article": "published_at"}
SITE_KINDS = [kind for kind in BOARD_KINDS.values() if kind is not ARTICLE]
PAGE_SIZE = 50


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
    def iso_time(self):
        """For <time datetime>: whole seconds (the Nu checker refuses microseconds)."""
        if self.sort_time is None:
            return ""
        return timezone.localtime(self.sort_time).replace(microsecond=0).isoformat()

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


@dataclass
class Board:
    # {language: {"complete": n, "outdated": n, "missing": n, "unchecked": n}}
    counts: dict
    site_rows: list
    articles: object  # a Page of BoardRows, or None when articles are filtered out


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


def _queryset(kind):
    objects = kind.model.objects.all()
    if kind is ARTICLE:
        return objects.select_related("category").only(
            *_base_columns(kind),
            "category__id",
            *[f"category__name_{code}" for code in LANGUAGE_CODES],
        )
    return objects.only(*_base_columns(kind))


def _with_text(kind, ids):
    """The rows in `ids` with every tracked field (and their photos) loaded."""
    text_columns = [f"{name}_{code}" for name in kind.fields for code in LANGUAGE_CODES]
    objects = kind.model.objects.filter(pk__in=ids).only(
        "id", "source_language", "translation_fingerprints", *kind.condition_columns, *text_columns
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


def _has_summary(obj):
    summary = state.stored_summary(obj) or {}
    needed = [code for code in LANGUAGE_CODES if code != obj.source_language]
    return all(isinstance(summary.get(code), dict) and "state" in summary[code] for code in needed)


def _states(summary, source_language):
    states = {}
    for language in LANGUAGE_CODES:
        if language == source_language:
            states[language] = {"state": state.ORIGINAL, "missing": [], "outdated": []}
            continue
        found = summary[language]
        states[language] = {
            "state": state.overall(found),
            "missing": found.get(state.MISSING, []),
            "outdated": found.get(state.OUTDATED, []),
        }
    return states


def rows_for(kind, objects):
    """Board rows for loaded objects; those without a stored state are read once more."""
    unsummarised = [obj.pk for obj in objects if not _has_summary(obj)]
    texts = _with_text(kind, unsummarised) if unsummarised else {}
    time_field = TIME_FIELDS.get(kind.key, "updated_at")
    rows = []
    for obj in objects:
        summary = state.stored_summary(obj)
        if obj.pk in texts:
            loaded = texts[obj.pk]
            photos = list(loaded.photos.all()) if kind is ARTICLE else []
            summary = state.summarise(loaded, kind, loaded.source_language, photos)
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


def _site_rows(kinds):
    rows = []
    for kind in kinds:
        rows += rows_for(kind, list(_queryset(kind)))
    rows.sort(key=lambda row: (row.sort_time, row.kind.key, row.obj.pk), reverse=True)
    return rows


def _article_counts(articles):
    """Per language and state, in one aggregate query over the stored states."""
    aggregates = {"total": Count("pk")}
    for code in LANGUAGE_CODES:
        aggregates[f"{code}_original"] = Count("pk", filter=Q(source_language=code))
        for name in state.STATES:
            aggregates[f"{code}_{name}"] = Count("pk", filter=Q(**{state.state_lookup(code): name}))
    found = articles.aggregate(**aggregates)
    counts = {}
    for code in LANGUAGE_CODES:
        counts[code] = {name: found[f"{code}_{name}"] for name in state.STATES}
        counted = found[f"{code}_original"] + sum(counts[code].values())
        counts[code]["unchecked"] = found["total"] - counted
    return counts


def board(*, kind=None, language, category_id=None, state_filter=None, page_number=None):
    """The site texts (all) and one page of articles (in triage order), filtered, with
    per-language counts over everything the content and category filters select."""
    counts = {code: dict.fromkeys((*state.STATES, "unchecked"), 0) for code in LANGUAGE_CODES}
    site_kinds = [] if category_id else [k for k in SITE_KINDS if kind in (None, k.key)]
    site_rows = _site_rows(site_kinds)
    for row in site_rows:
        for code in LANGUAGE_CODES:
            if row.state_in(code) in state.STATES:
                counts[code][row.state_in(code)] += 1
    if state_filter:
        site_rows = [row for row in site_rows if row.state_in(language) == state_filter]

    page = None
    if kind in (None, ARTICLE.key):
        articles = ARTICLE.model.objects.all()
        if category_id:
            articles = articles.filter(category_id=category_id)
        for code, found in _article_counts(articles).items():
            for name, number in found.items():
                counts[code][name] += number
        listed = _queryset(ARTICLE)
        if category_id:
            listed = listed.filter(category_id=category_id)
        if state_filter:
            listed = listed.filter(**{state.state_lookup(language): state_filter})
        listed = triage(listed, language)
        page = Paginator(listed, PAGE_SIZE).get_page(page_number)
        page.object_list = rows_for(ARTICLE, list(page.object_list))
    return Board(counts=counts, site_rows=site_rows, articles=page)


def _by_work(articles, language):
    """Newest first, then missing before outdated (an index on the time, then a small sort)."""
    lookup = state.state_lookup(language)
    return articles.annotate(
        triage_work=Case(
            When(**{lookup: state.MISSING}, then=Value(0)),
            When(**{lookup: state.OUTDATED}, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    ).order_by("-published_at", "triage_work", "-id")


class Triaged:
    """Articles in board order: published first, then newest first, then missing before
    outdated. Two queries, published and the rest, so that each reads one page through
    the (status, published_at) index instead of sorting every article (240 ms → a few
    at 100,000 articles). Sliceable and countable, for the Paginator."""

    def __init__(self, articles, language):
        attribute, value = ARTICLE.published_when
        self.first = _by_work(articles.filter(**{attribute: value}), language)
        self.rest = _by_work(articles.exclude(**{attribute: value}), language)
        self._first_count = None

    def first_count(self):
        if self._first_count is None:
            self._first_count = self.first.count()
        return self._first_count

    def count(self):
        return self.first_count() + self.rest.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        start, stop = item.start or 0, item.stop
        split = self.first_count()
        rows = []
        if start < split:
            rows += list(self.first[start : min(stop, split)])
        if stop > split:
            rows += list(self.rest[max(0, start - split) : stop - split])
        return rows


def triage(articles, language):
    return Triaged(articles, language)


def next_needing_work(kind, language, after_pk):
    """The next object of `kind` in board order, other than `after_pk`, with something
    missing or outdated in `language`; None when the queue is empty."""
    wanted = (state.MISSING, state.OUTDATED)
    if kind is ARTICLE:
        candidates = (
            ARTICLE.model.objects.exclude(pk=after_pk)
            .filter(**{f"{state.state_lookup(language)}__in": wanted})
            .only("id")
        )
        found = triage(candidates, language)[:1]
        return found[0] if found else None
    for row in _site_rows([kind]):
        if row.obj.pk != after_pk and row.state_in(language) in wanted:
            return row.obj
    return None


def progress(today=None):
    """Per translator: the objects they translated this week and this month (from the
    snapshots each save keeps: who last translated which field, and when)."""
    now = timezone.localtime() if today is None else today
    week_start = (now - datetime.timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    since = min(week_start, month_start)
    item = Concat(
        "kind",
        Value(":"),
        Cast("object_id", CharField()),
        Value(":"),
        "language",
        output_field=CharField(),
    )
    rows = (
        TranslationSnapshot.objects.filter(
            translated_by__isnull=False,
            translated_at__gte=since,
            kind__in=list(BOARD_KINDS),
        )
        .values("translated_by__username")
        .annotate(
            week=Count(item, distinct=True, filter=Q(translated_at__gte=week_start)),
            month=Count(item, distinct=True, filter=Q(translated_at__gte=month_start)),
        )
        .order_by("-month", "translated_by__username")
    )
    return [
        {"user": row["translated_by__username"], "week": row["week"], "month": row["month"]}
        for row in rows
    ]
