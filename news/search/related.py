"""Related news: the articles sharing the most tags with an article, then those whose
title and lead share its distinctive words (PostgreSQL full text), then the newest of
its section. Never the article itself, never one the page's other sidebar shows.

One statement weighs the three kinds of candidate and returns the rows shown: a branch
per kind under a UNION ALL, each bounded, scored together in SQL. Cached per article
and content version (core.caching): a cold article page pays that one query, a warm
one none.
"""

from django.db import connection
from django.utils import timezone

from core.caching import cached
from core.text import search_text
from news import selectors
from news.search import fulltext

RELATED_COUNT = 6
# How many of each kind of candidate are weighed: enough to fill the list after the
# other sidebar's items are left out.
CANDIDATES = 24
# Per-article entries are many and each is read less often than the shared ones.
RELATED_TIMEOUT = 3600

# Each branch gives (candidate, shared tags, text similarity, recency in the section),
# with the lowest value of a measure it does not take. Recency is 0 for the section's
# newest, -1 for the next, down to -CANDIDATES for any article not among them.
_SECTION = """
SELECT * FROM (
    SELECT id AS candidate, 0 AS shared, CAST(0 AS REAL) AS similarity,
        1 - row_number() OVER (ORDER BY published_at DESC, id DESC) AS recency
    FROM news_article
    WHERE category_id = %(category)s AND status = 'published' AND published_at <= %(now)s
        AND id NOT IN ({left_out})
    ORDER BY published_at DESC, id DESC
    LIMIT %(pool)s
) AS section
"""
_SHARING = """
SELECT * FROM (
    SELECT news_article.id AS candidate, count(*) AS shared,
        CAST(0 AS REAL) AS similarity, -%(pool)s AS recency
    FROM news_article_tags
    JOIN news_article ON news_article.id = news_article_tags.article_id
    WHERE news_article_tags.tag_id IN ({tags}) AND news_article.status = 'published'
        AND news_article.published_at <= %(now)s AND news_article.id NOT IN ({left_out})
    GROUP BY news_article.id, news_article.published_at
    ORDER BY shared DESC, news_article.published_at DESC, news_article.id DESC
    LIMIT %(pool)s
) AS sharing
"""
_BY_TEXT = """
SELECT article_id AS candidate, 0 AS shared, similarity, -%(pool)s AS recency
FROM ({statement}) AS by_text
"""
# The candidates' best measures, sorted on all three (tags count first, then text,
# then recency), and the rows of the best. Published ones only: an entry found by text
# is checked against the article's own state here.
_RELATED = """
SELECT {columns} FROM news_article
JOIN (
    SELECT candidate, max(shared) AS shared, max(similarity) AS similarity,
        max(recency) AS recency
    FROM ({branches}) AS found
    GROUP BY candidate
) AS scored ON scored.candidate = news_article.id
WHERE news_article.status = 'published' AND news_article.published_at <= %(now)s
    AND news_article.id NOT IN ({left_out})
ORDER BY scored.shared DESC, scored.similarity DESC, scored.recency DESC,
    news_article.id DESC
LIMIT %(count)s
"""


def _placeholders(name, values, params):
    """Named placeholders for `values`, added to `params`: "%(name_0)s, %(name_1)s"."""
    names = []
    for position, value in enumerate(values):
        params[f"{name}_{position}"] = value
        names.append(f"%({name}_{position})s")
    return ", ".join(names)


def related_articles(article, language, exclude=()):
    """Up to RELATED_COUNT published articles related to `article`, best first, without
    the article and without the ids in `exclude` (the other sidebar's)."""
    left_out = sorted({article.pk, *exclude})

    def build():
        now = timezone.now()
        params = {
            "now": selectors.db_time(now),
            "category": article.category_id,
            "pool": CANDIDATES,
            "count": RELATED_COUNT,
        }
        names = {"left_out": _placeholders("left_out", left_out, params)}
        branches = [_SECTION.format(**names)]
        tag_ids = [tag.pk for tag in selectors.article_tags(article)]
        if tag_ids:
            tags = _placeholders("tag", tag_ids, params)
            branches.append(_SHARING.format(tags=tags, **names))
        if connection.vendor == "postgresql":
            shown = article.original_language(language)
            words = search_text(f"{article.text('title', shown)} {article.text('lead', shown)}")
            similar = fulltext.similar_statement(
                language, article.pk, words.split(), now, limit=CANDIDATES
            )
            if similar is not None:
                statement, similar_params = similar
                # One statement, one set of names: only "now" is shared, and it is
                # given in the database's form.
                if params.keys() & similar_params.keys() - {"now"}:
                    raise ValueError("related news: a parameter name is used twice")
                params.update(similar_params, now=params["now"])
                branches.append(_BY_TEXT.format(statement=statement))
        sql = _RELATED.format(
            columns=selectors.article_columns(selectors.LINE_FIELDS),
            branches=" UNION ALL ".join(branches),
            **names,
        )
        return selectors.summary_rows(sql, params, selectors.LINE_FIELDS)

    key = f"related:{article.pk}:{language}:{','.join(map(str, left_out))}"
    return cached(key, build, timeout=RELATED_TIMEOUT)
