"""Related news: the articles sharing the most tags with an article, then those whose
title and lead share its distinctive words (PostgreSQL full text), then the newest of
its section. Never the article itself, never one the page's other sidebar shows.

Cached per article and content version (core.caching): a cold article page pays four
small queries here, a warm one none.
"""

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from core.caching import cached
from core.text import search_text
from news import selectors
from news.models import Article
from news.search import fulltext

RELATED_COUNT = 6
# How many of each kind of candidate are weighed: enough to fill the list after the
# other sidebar's items are left out.
CANDIDATES = 24
# Per-article entries are many and each is read less often than the shared ones.
RELATED_TIMEOUT = 3600


def related_articles(article, language, exclude=()):
    """Up to RELATED_COUNT published articles related to `article`, best first, without
    the article and without the ids in `exclude` (the other sidebar's)."""
    left_out = sorted({article.pk, *exclude})

    def build():
        now = timezone.now()
        # Per candidate: [shared tags, text similarity, recency in the section]; sorted
        # on all three, so tags count first, then text, then recency.
        scores = {}

        def score(article_id):
            return scores.setdefault(article_id, [0, 0.0, -CANDIDATES])

        tag_ids = [tag.pk for tag in selectors.article_tags(article)]
        if tag_ids:
            sharing = (
                Article.objects.published(now)
                .filter(tags__in=tag_ids)
                .exclude(pk__in=left_out)
                .annotate(shared=Count("tags", filter=Q(tags__in=tag_ids)))
                .order_by("-shared", "-published_at", "-id")
                .values_list("id", "shared")[:CANDIDATES]
            )
            for article_id, shared in sharing:
                score(article_id)[0] = shared
        if connection.vendor == "postgresql":
            shown = article.original_language(language)
            words = search_text(f"{article.text('title', shown)} {article.text('lead', shown)}")
            for article_id, similarity in fulltext.similar(
                language, article.pk, words.split(), now, limit=CANDIDATES
            ):
                if article_id not in left_out:
                    score(article_id)[1] = similarity
        same_section = (
            Article.objects.published(now)
            .filter(category_id=article.category_id)
            .exclude(pk__in=left_out)
            .values_list("id", flat=True)[:CANDIDATES]
        )
        for position, article_id in enumerate(same_section):
            score(article_id)[2] = -position
        best = sorted(scores, key=lambda pk: (scores[pk], pk), reverse=True)[:RELATED_COUNT]
        by_id = {row.pk: row for row in selectors.published_lines(best, now)}
        return [by_id[pk] for pk in best if pk in by_id]

    key = f"related:{article.pk}:{language}:{','.join(map(str, left_out))}"
    return cached(key, build, timeout=RELATED_TIMEOUT)
