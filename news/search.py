"""Azerbaijani-aware article search: folded terms, PostgreSQL full text, capped results.

Texts and queries are folded the same way (news.text.fold), so "XANKƏNDİ", "Xankəndi"
and "xankendi" are one word. On PostgreSQL each term is a prefix query ('xankendi':*)
against the stored tsvector of the folded text, which also finds Azerbaijani's suffixed
forms ("Xankəndidən"); SQLite gets a plain substring match on the same folded column.

A search never counts or ranks more than MAX_RESULTS matches: the newest matches are
taken by the index, ranked in memory, and one more query loads the page's rows. The
page therefore costs two queries whatever the size of the archive or the query.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL, Value
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from news.models import Article
from news.text import fold

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MIN_TERM_LENGTH = 2
MAX_RESULTS = 500
PAGE_SIZE = 20
SNIPPET_WORDS = 30
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


def _matching(language, terms):
    """Published articles matching every term in `language`, as (id, rank) pairs."""
    column = f"search_{language}"
    articles = Article.objects.published()
    if connection.vendor == "postgresql":
        # Terms are letters and digits only (see query_terms), so quoting them is enough.
        tsquery = " & ".join(f"'{term}':*" for term in terms)
        query = SearchQuery(tsquery, search_type="raw", config="simple")
        # The stored column the 0003 migration adds; the model does not declare it so
        # that SQLite keeps working. The outer query never aliases news_article.
        vector = RawSQL(  # noqa: S611 - a fixed column name, no user input
            f'"news_article"."search_vector_{language}"',
            [],
            output_field=SearchVectorField(),
        )
        return articles.alias(vector=vector).filter(vector=query), SearchRank(vector, query)
    condition = Q()
    for term in terms:
        condition &= Q(**{f"{column}__contains": term})
    return articles.filter(condition), Value(0.0)


def search(query, language, *, page_number=1, sort="relevance", category_id=None, year=None):
    """One page of articles for `query` in `language`; an empty query finds nothing.

    Raises InvalidPage for a page number that is not a page of the results.
    """
    terms = query_terms(query)
    candidates = []
    if terms:
        matches, rank = _matching(language, terms)
        if category_id:
            matches = matches.filter(category_id=category_id)
        if year:
            matches = matches.filter(published_at__year=year)
        candidates = list(
            matches.annotate(rank=rank)
            .order_by("-published_at", "-id")
            .values_list("id", "rank", "published_at")[:MAX_RESULTS]
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


def _is_match(word, terms):
    folded = fold(word)
    return any(folded.startswith(term) for term in terms)


def highlight(text, terms):
    """`text` escaped, with every word that starts with a search term wrapped in <mark>."""
    text = str(text or "")
    if not terms:
        return escape(text)
    parts = _WORD.split(text)
    out = []
    for index, part in enumerate(parts):
        # split() with one group alternates: non-word, word, non-word, ...
        if index % 2 and _is_match(part, terms):
            out.append(f"<mark>{escape(part)}</mark>")
        else:
            out.append(escape(part))
    return mark_safe("".join(out))  # every piece was escaped above


def snippet(article, terms, language):
    """A short piece of the article's lead or body around the first match, highlighted."""
    lead = article.text("lead", language)
    body = strip_tags(article.text("body", language).text)
    for source in (str(lead), body):
        words = source.split()
        for position, word in enumerate(words):
            if any(_is_match(piece, terms) for piece in _TERM.findall(word)):
                start = max(0, position - SNIPPET_WORDS // 3)
                excerpt = " ".join(words[start : start + SNIPPET_WORDS])
                prefix = "… " if start else ""
                suffix = " …" if start + SNIPPET_WORDS < len(words) else ""
                return mark_safe(f"{prefix}{highlight(excerpt, terms)}{suffix}")
    words = (str(lead) or body).split()
    excerpt = " ".join(words[:SNIPPET_WORDS])
    return mark_safe(escape(excerpt) + (" …" if len(words) > SNIPPET_WORDS else ""))
