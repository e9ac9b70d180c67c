"""The one statement that adds views to the database: totals and day rows together."""

from contextlib import nullcontext

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from news.models import Article, DailyViews


def record_many(counts):
    """Add {(article_id, "YYYY-MM-DD" or date): n} to the running totals and the day
    rows, atomically. The database does the addition (`SET n = n + k`), so concurrent
    writers never lose an increment.
    """
    items = sorted((key, n) for key, n in counts.items() if n)
    if not items:
        return
    if connection.vendor != "postgresql":
        _record_with_orm(items)
        return
    ids = [article_id for (article_id, _day), _n in items]
    several = len(set(ids)) > 1
    with transaction.atomic() if several else nullcontext(), connection.cursor() as cursor:
        if several:
            # Lock the article rows in id order first: two flushers with overlapping
            # batches then wait for each other and never deadlock (an UPDATE joined to
            # a batch locks rows in whatever order its plan visits them).
            cursor.execute(
                "SELECT id FROM news_article WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [ids]
            )
        cursor.execute(
            """
            WITH batch AS (
                SELECT * FROM unnest(%(ids)s::bigint[], %(days)s::date[], %(ns)s::int[])
                    AS b(article_id, day, n)
            ),
            totals AS (
                UPDATE news_article a SET view_count = a.view_count + t.n
                FROM (SELECT article_id, sum(n) AS n FROM batch GROUP BY article_id) t
                WHERE a.id = t.article_id
                RETURNING a.id
            )
            INSERT INTO news_dailyviews (article_id, day, count)
            SELECT b.article_id, b.day, b.n FROM batch b
            WHERE b.article_id IN (SELECT id FROM totals)
            ORDER BY b.article_id, b.day
            ON CONFLICT (article_id, day)
            DO UPDATE SET count = news_dailyviews.count + EXCLUDED.count
            """,
            {
                "ids": ids,
                "days": [str(day) for (_id, day), _n in items],
                "ns": [n for _key, n in items],
            },
        )


def _record_with_orm(items):
    """SQLite (the demo): the same additions, one article at a time."""
    with transaction.atomic():
        for (article_id, day), count in items:
            if not Article.objects.filter(pk=article_id).update(view_count=F("view_count") + count):
                continue
            updated = DailyViews.objects.filter(article_id=article_id, day=day).update(
                count=F("count") + count
            )
            if not updated:
                try:
                    with transaction.atomic():
                        DailyViews.objects.create(article_id=article_id, day=day, count=count)
                except IntegrityError:
                    DailyViews.objects.filter(article_id=article_id, day=day).update(
                        count=F("count") + count
                    )
