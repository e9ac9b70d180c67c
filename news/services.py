"""Writes with rules, each in one transaction and one place."""

import re

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from news import view_buffer
from news.models import Article, DailyViews

# Crawlers and tools, not readers. Deliberately broad: a missed bot inflates counts.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|fetch|preview|scan|monitor|curl|wget|python-requests|httpx|"
    r"headless|lighthouse|pingdom|uptime|facebookexternalhit|embedly|quora link|whatsapp",
    re.IGNORECASE,
)


def is_countable_view(request, *, preview=False):
    """A reader's GET of the page: not HEAD, not a bot, not a staff preview."""
    if request.method != "GET" or preview:
        return False
    user_agent = request.headers.get("User-Agent", "")
    return bool(user_agent) and not BOT_USER_AGENT.search(user_agent)


def count_view(article, request, *, preview=False):
    """Add one view if this request is a reader's.

    Returns how many views to add to `article.view_count` (as loaded) to show the
    count including this one: 0 when it did not count, 1 after a direct database
    write, or the views waiting in the buffer (news.view_buffer) including this one.
    """
    if not is_countable_view(request, preview=preview):
        return 0
    return count_view_of(article.pk)


def count_view_of(article_id):
    """Count one reader's view: into the Redis buffer when it is up, else the database."""
    pending = view_buffer.add(article_id)
    if pending is not None:
        return pending
    record_views(article_id, 1)
    return 1


def record_views(article_id, count, day=None):
    """Add `count` views atomically: to the running total and to the day's row.

    The database does the addition (`SET n = n + k`), so concurrent requests never
    lose an increment the way read-modify-write does.
    """
    day = day or timezone.localdate()
    if connection.vendor == "postgresql":
        # One round trip: both rows in one statement.
        with connection.cursor() as cursor:
            cursor.execute(
                """
                WITH total AS (
                    UPDATE news_article SET view_count = view_count + %(n)s
                    WHERE id = %(id)s RETURNING id
                )
                INSERT INTO news_dailyviews (article_id, day, count)
                SELECT id, %(day)s, %(n)s FROM total
                ON CONFLICT (article_id, day)
                DO UPDATE SET count = news_dailyviews.count + EXCLUDED.count
                """,
                {"n": count, "id": article_id, "day": day},
            )
        return
    with transaction.atomic():
        if not Article.objects.filter(pk=article_id).update(view_count=F("view_count") + count):
            return
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
