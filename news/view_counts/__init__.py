"""Counting readers' views: the one public module for it.

A view goes to a Redis buffer (news.view_counts.buffer) when one is configured and
answers, and straight to the database otherwise (news.view_counts.store). Counting is
at most once: a view is never added twice, and at the one edge where that cannot be
known (Redis took the command but its answer never came), the view is not counted again
in the database. See docs/caching.md, "View counts".
"""

import re

from django.utils import timezone

from core import caching
from news.view_counts import buffer
from news.view_counts.store import record_many

__all__ = [
    "BOT_USER_AGENT",
    "connect",
    "count_view",
    "count_view_of",
    "flush",
    "is_countable_view",
    "pending_for",
    "record_views",
    "reset",
]

# Crawlers and tools, not readers. Deliberately broad: a missed bot inflates counts.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|fetch|preview|scan|monitor|curl|wget|python-requests|httpx|"
    r"headless|lighthouse|pingdom|uptime|facebookexternalhit|embedly|quora link|whatsapp",
    re.IGNORECASE,
)
PAGE_CACHE_MARK = "article-view"

flush = buffer.flush
pending_for = buffer.pending_for
reset = buffer.reset


def is_countable_view(request, *, preview=False):
    """A reader's GET of the page: not HEAD, not a bot, not a staff preview."""
    if request.method != "GET" or preview:
        return False
    user_agent = request.headers.get("User-Agent", "")
    return bool(user_agent) and not BOT_USER_AGENT.search(user_agent)


def count_view(article, request, *, preview=False):
    """Add one view if this request is a reader's.

    Returns how many views to add to `article.view_count` (as loaded) to show the count
    including this one: 0 when it did not count, 1 after a database write, or the views
    waiting in the buffer including this one.
    """
    if not is_countable_view(request, preview=preview):
        return 0
    return count_view_of(article.pk)


def count_view_of(article_id):
    """Count one reader's view: into the Redis buffer when it takes it, else the database."""
    outcome = buffer.add(article_id)
    if outcome is buffer.NOT_SENT:
        record_views(article_id, 1)
        return 1
    if outcome is buffer.UNKNOWN:
        return 1  # maybe counted in Redis: never counted a second time
    return outcome


def record_views(article_id, count, day=None):
    """Add `count` views of one article to the database now."""
    record_many({(article_id, day or timezone.localdate()): count})


def _count_cached_view(request, article_id):
    """A page-cache hit of an article: the page shows the count it was made with, so
    the view is sent without waiting for Redis's answer."""
    if not is_countable_view(request):
        return
    if not buffer.send(article_id):
        count_view_of(article_id)


def mark_for_page_cache(response, article):
    """Have the page cache count this article's views when it serves the page itself."""
    response.page_cache_hit = (PAGE_CACHE_MARK, article.pk)


def connect():
    caching.register_hit_handler(PAGE_CACHE_MARK, _count_cached_view)
