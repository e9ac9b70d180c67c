"""Azerbaijani-aware article search: folded terms, PostgreSQL full text, capped results.

Texts and queries are folded the same way (core.text.fold), so "XANKƏNDİ", "Xankəndi"
and "xankendi" are one word. On PostgreSQL each term is a prefix query ('xankendi':*)
against the stored tsvector of the folded text, which also finds Azerbaijani's suffixed
forms ("Xankəndidən"); SQLite gets a plain substring match on the same folded column.
The vectors live in news.models.SearchEntry, a narrow table PostgreSQL keeps itself.

A search never counts or ranks more than MAX_RESULTS matches. Common words match most of
the archive, and fetching every matching row is what makes full-text search slow, so
for them the newest entries are walked, stopping at MAX_RESULTS matches (at most
RECENT_WINDOW entries); for rarer words the GIN index is asked (news.search.fulltext chooses
from PostgreSQL's statistics). Only the matches returned are ranked, in the same
statement; they are sorted in memory and one more query loads the page's rows: two to
four queries per page, whatever the size of the archive.
"""

import functools
import re
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models.expressions import Value
from django.utils import timezone

from core.caching import cached_locally
from core.i18n import LANGUAGE_CODES
from core.text import fold, spelling_key, strip_controls
from news import selectors
from news.models import Article
from news.search import fulltext
from news.search.related import related_articles  # noqa: F401 - public: news.views

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MIN_TERM_LENGTH = 2
# Ten pages of ten: the newest hundred matches. A reader who needs more narrows the
# search by section or year (the page says so), and each match counted, ranked and
# shown is work for a search nobody made before.
MAX_RESULTS = 100
PAGE_SIZE = 10
# On PostgreSQL, the most of the newest entries a search walks before it asks the index
# instead; news.search.fulltext walks only as far as its statistics say is cheaper. Walking
# costs a few microseconds an entry; asking the index, year by year, costs less than a
# long walk (news.search.fulltext).
RECENT_WINDOW = 4_000
SORTS = ("relevance", "newest")

_TERM = re.compile(r"[^\W_]+", re.UNICODE)


def clean_query(raw):
    """The query as typed, without control characters (NUL and the like are dropped, never
    echoed into the page), spaces collapsed, trimmed to a sane length (a 1,000-character
    query is cut)."""
    return " ".join(strip_controls(raw).split())[:MAX_QUERY_LENGTH]


def query_terms(query):
    """Search terms: folded words in the spelling every spelling of them shares
    (core.text.spelling_key: "Khankendi" → "xankendi"), as the index holds them;
    distinct, at least two characters, at most MAX_TERMS."""
    terms = []
    for word in _TERM.findall(fold(query)):
        term = spelling_key(word)
        if len(term) >= MIN_TERM_LENGTH and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def query_words(query):
    """The query's folded words as typed ("orchards", not the key "orcards"), for a
    suggestion readers can read; as many as there are terms."""
    words = []
    for word in _TERM.findall(fold(query)):
        if len(spelling_key(word)) >= MIN_TERM_LENGTH and word not in words:
            words.append(word)
    return words[:MAX_TERMS]


@dataclass
class Results:
    """One page of results. At most MAX_RESULTS matches are counted and paginated."""

    terms: list
    page: Page
    articles: list
    # "Did you mean …": the query with its unknown words replaced by the nearest indexed
    # words, when nothing matches; "" otherwise.
    suggestion: str = ""

    @property
    def total(self):
        return self.page.paginator.count

    @property
    def capped(self):
        return self.total >= MAX_RESULTS


def _substring_candidates(language, terms, now, *, limit, window, category_id, year):
    """SQLite's search: (id, rank, publication time) of the newest `limit` published
    articles whose folded text holds every term; the window is PostgreSQL's business."""
    published = Article.objects.published(now)
    if category_id:
        published = published.filter(category_id=category_id)
    if year:
        published = published.filter(published_at__year=year)
    for term in terms:
        published = published.filter(**{f"search_{language}__contains": term})
    return list(
        published.annotate(rank=Value(0.0))
        .order_by("-published_at", "-id")
        .values_list("id", "rank", "published_at")[:limit]
    )


def search(query, language, *, page_number=1, sort="relevance", category_id=None, year=None):
    """One page of articles for `query` in `language`; an empty query finds nothing.

    Raises InvalidPage for a page number that is not a page of the results.
    """
    terms = query_terms(query)
    candidates = []
    if terms:
        find = fulltext.candidates if connection.vendor == "postgresql" else _substring_candidates
        # Matches are the same for every reader until content changes, so they are
        # kept per content version (core.caching): a repeated query (the common case on
        # a big news day) costs no full-text query; any publish, edit, withdrawal or
        # delete makes it search afresh. In this process's memory only: a search
        # nobody made before (most searches) would pay a shared-cache miss and a
        # store, about a tenth of its CPU, for the rare reader of its next page who
        # lands on another worker.
        candidates = list(
            cached_locally(
                f"search:{[language, category_id, year, *terms]!r}",
                lambda: find(
                    language,
                    terms,
                    timezone.now(),
                    limit=MAX_RESULTS,
                    window=RECENT_WINDOW,
                    category_id=category_id,
                    year=year,
                ),
            )
        )
        if sort == "relevance":
            candidates.sort(key=lambda row: (row[1], row[2], row[0]), reverse=True)
    page = Paginator(candidates, PAGE_SIZE, allow_empty_first_page=True).page(page_number)
    page_ids = [row[0] for row in page.object_list]
    by_id = {article.pk: article for article in summaries(page_ids)}
    articles = [by_id[pk] for pk in page_ids if pk in by_id]
    suggestion = ""
    if terms and not candidates and connection.vendor == "postgresql":
        # One more query, only when nothing matched: a page never runs more than four.
        suggestion = fulltext.suggestion(query_words(query))
    return Results(terms=terms, page=page, articles=articles, suggestion=suggestion)


# What a result shows: its title, address, date and section, and the lead and body
# that the snippet is cut from.
_SUMMARY_FIELDS = [
    "id",
    "published_at",
    "source_language",
    "written_languages",
    "category_id",
    *[f"{field}_{code}" for field in ("title", "slug", "lead", "body") for code in LANGUAGE_CODES],
]


@functools.cache
def _summary_select():
    """The statement summaries() runs, up to its list of ids. Only quoted names from the
    model go into it."""
    meta = Article._meta
    quote = connection.ops.quote_name
    columns = selectors.article_columns(_SUMMARY_FIELDS)
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    return f"SELECT {columns} FROM {table} WHERE {pk} IN "  # noqa: S608


def summaries(ids):
    """The articles `ids` as ArticleSummary rows, in no particular order.

    One plain query: through the ORM (modeltranslation's queryset, a model instance
    per row and per section) the same rows cost about seven times the CPU, and
    a search nobody made before reads them on every page it shows.
    """
    if not ids:
        return []
    placeholders = ", ".join(["%s"] * len(ids))
    return selectors.summary_rows(
        f"{_summary_select()}({placeholders})", list(ids), _SUMMARY_FIELDS
    )


def warm():
    """What searches and related lists share, built ahead of them (portal.warmup)."""
    if connection.vendor == "postgresql":
        fulltext.warm_statistics()
