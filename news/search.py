"""Azerbaijani-aware article search: folded terms, PostgreSQL full text, capped results.

Texts and queries are folded the same way (news.text.fold), so "XANKƏNDİ", "Xankəndi"
and "xankendi" are one word. On PostgreSQL each term is a prefix query ('xankendi':*)
against the stored tsvector of the folded text, which also finds Azerbaijani's suffixed
forms ("Xankəndidən"); SQLite gets a plain substring match on the same folded column.

A search never counts or ranks more than MAX_RESULTS matches. Common words match most of
the archive, and fetching every matching row is what makes full-text search slow, so
the newest RECENT_WINDOW articles are searched first, newest first, stopping at
MAX_RESULTS matches; only when they hold fewer does the GIN index search the whole
archive (then the word is rare, and its matches are few). The matches are ranked in
memory and one more query loads the page's rows: two or three queries per page,
whatever the size of the archive.
"""

import datetime
import functools
import hashlib
import html
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    DateTimeField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    Subquery,
)
from django.db.models.expressions import RawSQL, Value
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
# Three steps, each bounded (see _postgresql_candidates): the newest WALK_WINDOW rows
# tested one by one, then the GIN matches among the newest RECENT_WINDOW, then all.
WALK_WINDOW = 1000
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


class TsMatch(Func):
    """`vector @@ query` written as its function, which no index can answer.

    Used on purpose for the newest WALK_WINDOW rows: there they are read in date order
    and tested one by one, stopping at MAX_RESULTS, which is cheapest for very common
    words; the planner (which cannot estimate prefix queries) might otherwise fetch
    every match through GIN.
    """

    function = "ts_match_vq"
    output_field = BooleanField()


def _vector(language):
    # The stored column the 0003 migration adds; the model does not declare it so that
    # SQLite keeps working. The candidate queries never alias news_article.
    return RawSQL(  # noqa: S611 - a fixed column name, no user input
        f'"news_article"."search_vector_{language}"', [], output_field=SearchVectorField()
    )


def _candidates(rows, rank, date="published_at"):
    """(id, rank, published_at) of the newest MAX_RESULTS rows."""
    return list(
        rows.annotate(rank=rank)
        .order_by(f"-{date}", "-id")
        .values_list("id", "rank", "published_at")[:MAX_RESULTS]
    )


def _postgresql_candidates(published, language, terms):
    # Terms are letters and digits only (see query_terms), so quoting them is enough.
    tsquery = " & ".join(f"'{term}':*" for term in terms)
    query = SearchQuery(tsquery, search_type="raw", config="simple")
    vector = _vector(language)
    rank = SearchRank(vector, query)

    def newest(count):
        """The publication time of the count-th newest article (a subquery); the
        earliest possible time when there are fewer, so the window is all of them."""
        return Coalesce(
            Subquery(
                published.order_by("-published_at", "-id").values("published_at")[count - 1 : count]
            ),
            Value(datetime.datetime.min.replace(tzinfo=datetime.UTC)),
            output_field=DateTimeField(),
        )

    # 1. The newest WALK_WINDOW articles, newest first, until MAX_RESULTS match: a walk
    # down the date index testing each row's text (about 12 µs a row), which stops early
    # for very common words.
    walked = published.filter(TsMatch(vector, query), published_at__gte=newest(WALK_WINDOW))
    candidates = _candidates(walked, rank)
    if len(candidates) >= MAX_RESULTS:
        return candidates
    # Below, ordering by an expression no index supplies keeps the planner from walking
    # the date index row by row in the hope of finding matches early: the GIN index
    # gives the matching rows and only those are read, ranked, and the newest kept.
    matching = published.alias(
        vector=vector,
        unindexed_date=ExpressionWrapper(
            F("published_at") + Value(datetime.timedelta(0)), output_field=DateTimeField()
        ),
    ).filter(vector=query)
    # 2. The matches among the newest RECENT_WINDOW: the GIN index's matches ANDed with
    # a range of the date index (a BitmapAnd), so only the window's matches are read.
    recent = matching.filter(published_at__gte=newest(RECENT_WINDOW))
    candidates = _candidates(recent, rank, date="unindexed_date")
    if len(candidates) >= MAX_RESULTS:
        return candidates
    # 3. Fewer still: the words are rare (or the archive small), and so are their
    # matches; the GIN index finds them all.
    return _candidates(matching, rank, date="unindexed_date")


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
