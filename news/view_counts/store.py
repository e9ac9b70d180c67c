"""The one statement that adds views to the database: totals and day rows together."""

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from news.models import Article, DailyViews


def record_many(counts):
    """Add {(article_id, "YYYY-MM-DD" or date): n} to the running totals and the day
    rows, atomically. The database does the addition (`SET n = n + k`), so concurrent
    writers never lose an increment; rows are taken in one order, so they never deadlock.
    """
    items = sorted((key, n) for key, n in counts.items() if n)
    if not items:
        return
    if connection.vendor != "postgresql":
        _record_with_orm(items)
        return
    with connection.cursor() as cursor:
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
            ON CONFLICT (article_id, day)
            DO UPDATE SET count = news_dailyviews.count + EXCLUDED.count
            """,
            {
                "ids": [article_id for (article_id, _day), _n in items],
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
