"""Azerbaijani-aware article search: folded terms, PostgreSQL full text, capped results.

Texts and queries are folded the same way (news.text.fold), so "XANKƏNDİ", "Xankəndi"
and "xankendi" are one word. On PostgreSQL each term is a prefix query ('xankendi':*)
against the stored tsvector of the folded text, which also finds Azerbaijani's suffixed
forms ("Xankəndidən"); SQLite gets a plain substring match on the same folded column.
The vectors live in news.models.SearchEntry, a narrow table PostgreSQL keeps itself.

A search never counts or ranks more than MAX_RESULTS matches. Common words match most of
the archive, and fetching every matching row is what makes full-text search slow, so
the newest RECENT_WINDOW entries are searched first, stopping at MAX_RESULTS matches;
only when they hold fewer does the GIN index search the whole archive (then the words
are rare, and their matches are few). Only the matches returned are ranked, in the
same statement; they are sorted in memory and one more query loads the page's rows:
two or three queries per page, whatever the size of the archive.
"""

import functools
import hashlib
import html
import re
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models.expressions import Value
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from news import fulltext
from news.cache import cached
from news.models import Article
from news.text import fold

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MIN_TERM_LENGTH = 2
MAX_RESULTS = 200
# On PostgreSQL, how many of the newest entries a search for common words walks before
# it asks the index instead (news.fulltext).
RECENT_WINDOW = 4000
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


def _substring_candidates(language, terms, now, *, limit, window, category_id, year):
    """SQLite's search: (id, rank, published_at) of the newest `limit` published articles
    whose folded text holds every term; the window is PostgreSQL's business."""
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
        # kept per content version (news.cache): a repeated query (the common case on
        # a big news day) costs no full-text query; any publish, edit, withdrawal or
        # delete makes it search afresh.
        what = [language, category_id, year, MAX_RESULTS, RECENT_WINDOW, *terms]
        digest = hashlib.sha256(repr(what).encode()).hexdigest()[:32]
        candidates = list(
            cached(
                f"search:{digest}",
                lambda: find(
                    language,
                    terms,
                    timezone.now(),
                    limit=MAX_RESULTS,
                    window=RECENT_WINDOW,
                    category_id=category_id,
                    year=year,
                ),
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
