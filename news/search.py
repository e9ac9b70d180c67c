"""Azerbaijani-aware article search: folded terms, PostgreSQL full text, capped results.

Texts and queries are folded the same way (news.text.fold), so "XANKƏNDİ", "Xankəndi"
and "xankendi" are one word. On PostgreSQL each term is a prefix query ('xankendi':*)
against the stored tsvector of the folded text, which also finds Azerbaijani's suffixed
forms ("Xankəndidən"); SQLite gets a plain substring match on the same folded column.

A search never counts or ranks more than MAX_RESULTS matches. Common words match most of
the archive, and fetching every matching row is what makes full-text search slow, so
the newest RECENT_WINDOW articles are searched first, stopping at MAX_RESULTS matches;
only when they hold fewer does the GIN index search the whole archive (then the words
are rare, and their matches are few). Only the newest MAX_RESULTS matches are ranked,
in the same statement; they are sorted in memory and one more query loads the page's
rows: two or three queries per page, whatever the size of the archive.
"""

import datetime
import functools
import hashlib
import html
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    Subquery,
)
from django.db.models.expressions import Expression, Value
from django.db.models.functions import Coalesce
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from news.cache import cached
from news.models import Article
from news.text import fold

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MIN_TERM_LENGTH = 2
MAX_RESULTS = 200
# Two steps (see _postgresql_candidates): the matches among the newest RECENT_WINDOW
# articles, then, only when they are fewer than MAX_RESULTS, the whole archive.
RECENT_WINDOW = 10000
PAGE_SIZE = 20
SNIPPET_WORDS = 30
# Cached matches of one query stay at most this long (they are versioned anyway).
SEARCH_TIMEOUT = 600
SORTS = ("relevance", "newest")

_TERM = re.compile(r"[^\W_]+", re.UNICODE)
_WORD = re.compile(r"([^\W_]+)", re.UNICODE)


def clean_query(raw):
    """The query as typed, trimmed to a sane length (a 1,000-character query is cut)."""
    return " ".join((raw or "").split())[:MAX_QUERY_LENGTH]


def query_terms(query):
    """Folded search terms: distinct, at least two characters, at most MAX_TERMS."""
    terms = []
    for term in _TERM.findall(fold(query)):
        if len(term) >= MIN_TERM_LENGTH and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


@dataclass
class Results:
    """One page of results. At most MAX_RESULTS matches are counted and paginated."""

    terms: list
    page: Page
    articles: list

    @property
    def total(self):
        return self.page.paginator.count

    @property
    def capped(self):
        return self.total >= MAX_RESULTS


class _StoredVector(Expression):
    """The article's stored `search_vector_<language>` column, which the 0003 migration
    adds and the model does not declare (so that SQLite keeps working). Named through
    the alias of the query it is compiled in, so it stays right inside a subquery."""

    output_field = SearchVectorField()

    def __init__(self, language):
        super().__init__()
        if language not in dict(settings.LANGUAGES):
            raise ValueError(f"no search column for {language!r}")
        self.language = language

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f'{table}."search_vector_{self.language}"', []


def _vector(language):
    return _StoredVector(language)


def _candidates(rows, rank, date="published_at"):
    """(id, rank, published_at) of the newest MAX_RESULTS rows, newest first.

    The rank is computed in an outer query for those rows only: ranking reads each
    row's stored tsvector, which is large and mostly kept out of line (TOAST), and
    reading it for every match of a common word is what made searches slow.
    """
    newest = rows.order_by(f"-{date}", "-id").values("pk")[:MAX_RESULTS]
    found = (
        Article.objects.filter(pk__in=newest)
        .annotate(rank=rank)
        .values_list("id", "rank", "published_at")
    )
    return sorted(found, key=lambda row: (row[2], row[0]), reverse=True)


def _postgresql_candidates(published, language, terms):
    # Terms are letters and digits only (see query_terms), so quoting them is enough.
    tsquery = " & ".join(f"'{term}':*" for term in terms)
    query = SearchQuery(tsquery, search_type="raw", config="simple")
    vector = _vector(language)
    rank = SearchRank(vector, query)
    matching = published.alias(vector=vector).filter(vector=query)
    # 1. The matches among the newest RECENT_WINDOW articles, newest first. The window's
    # start is one index-only lookup; within it the planner picks between walking the
    # date index and ANDing the GIN index's matches with the date range, and both are
    # bounded by the window.
    recent = matching.filter(published_at__gte=_nth_newest(published, RECENT_WINDOW))
    candidates = _candidates(recent, rank)
    if len(candidates) >= MAX_RESULTS:
        return candidates
    # 2. Fewer: the words are rare, and so are their matches in the whole archive. Ordering
    # by an expression no index supplies keeps the planner from walking the date index
    # row by row in the hope of finding matches early: the GIN index gives the matching
    # rows and only those are read.
    everywhere = matching.alias(
        unindexed_date=ExpressionWrapper(
            F("published_at") + Value(datetime.timedelta(0)), output_field=DateTimeField()
        )
    )
    return _candidates(everywhere, rank, date="unindexed_date")


def _nth_newest(published, count):
    """The publication time of the count-th newest article (a subquery); the earliest
    possible time when there are fewer, so the window is all of them."""
    return Coalesce(
        Subquery(
            published.order_by("-published_at", "-id").values("published_at")[count - 1 : count]
        ),
        Value(datetime.datetime.min.replace(tzinfo=datetime.UTC)),
        output_field=DateTimeField(),
    )


def _substring_candidates(published, language, terms):
    condition = Q()
    for term in terms:
        condition &= Q(**{f"search_{language}__contains": term})
    return _candidates(published.filter(condition), Value(0.0))


def search(query, language, *, page_number=1, sort="relevance", category_id=None, year=None):
    """One page of articles for `query` in `language`; an empty query finds nothing.

    Raises InvalidPage for a page number that is not a page of the results.
    """
    terms = query_terms(query)
    candidates = []
    if terms:
        published = Article.objects.published()
        if category_id:
            published = published.filter(category_id=category_id)
        if year:
            published = published.filter(published_at__year=year)
        find = (
            _postgresql_candidates if connection.vendor == "postgresql" else _substring_candidates
        )
        # Matches are the same for every reader until content changes, so they are
        # kept per content version (news.cache): a repeated query (the common case on
        # a big news day) costs no full-text query; any publish, edit, withdrawal or
        # delete makes it search afresh.
        what = [language, category_id, year, MAX_RESULTS, RECENT_WINDOW, *terms]
        digest = hashlib.sha256(repr(what).encode()).hexdigest()[:32]
        candidates = list(
            cached(
                f"search:{digest}",
                lambda: find(published, language, terms),
                timeout=SEARCH_TIMEOUT,
            )
        )
        if sort == "relevance":
            candidates.sort(key=lambda row: (row[1], row[2], row[0]), reverse=True)
    page = Paginator(candidates, PAGE_SIZE, allow_empty_first_page=True).page(page_number)
    page_ids = [row[0] for row in page.object_list]
    articles = []
    if page_ids:
        rows = Article.objects.select_related("category").defer(
            "search_az", "search_en", "translation_fingerprints", "photo_renditions"
        )
        by_id = {article.pk: article for article in rows.filter(pk__in=page_ids)}
        articles = [by_id[pk] for pk in page_ids if pk in by_id]
    return Results(terms=terms, page=page, articles=articles)


@functools.lru_cache(maxsize=8192)
def _fold_word(word):
    # Highlighting folds every shown word; news vocabulary repeats, so this is memoised.
    return fold(word)


def _is_match(word, terms):
    folded = _fold_word(word)
    return any(folded.startswith(term) for term in terms)


def highlight(text, terms):
    """`text` escaped, with every word that starts with a search term wrapped in <mark>."""
    text = str(text or "")
    if not terms:
        return mark_safe(html.escape(text))
    out = []
    for index, part in enumerate(_WORD.split(text)):
        # split() with one group alternates: non-word, word, non-word, ...
        if index % 2 and _is_match(part, terms):
            out.append(f"<mark>{html.escape(part)}</mark>")
        else:
            out.append(html.escape(part))
    return mark_safe("".join(out))  # every piece was escaped above


def _excerpt_around_match(text, terms):
    words = text.split()
    for position, word in enumerate(words):
        if any(_is_match(piece, terms) for piece in _TERM.findall(word)):
            start = max(0, position - SNIPPET_WORDS // 3)
            excerpt = " ".join(words[start : start + SNIPPET_WORDS])
            prefix = "… " if start else ""
            suffix = " …" if start + SNIPPET_WORDS < len(words) else ""
            return mark_safe(f"{prefix}{highlight(excerpt, terms)}{suffix}")
    return None


def snippet(article, terms, language):
    """A short piece of the article's lead or body around the first match, highlighted."""
    lead = str(article.text("lead", language))
    found = _excerpt_around_match(lead, terms)
    if found is None:
        body = strip_tags(article.text("body", language).text)
        found = _excerpt_around_match(body, terms)
    if found is not None:
        return found
    words = (lead or strip_tags(article.text("body", language).text)).split()
    excerpt = " ".join(words[:SNIPPET_WORDS])
    return mark_safe(html.escape(excerpt) + (" …" if len(words) > SNIPPET_WORDS else ""))
