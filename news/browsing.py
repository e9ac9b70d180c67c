"""Reads for browsing by time: the archive's months and the most-read lists.

Kept apart from news.selectors (the listing pages) so each module has one job; the
same rules hold: published() only, fixed query counts, shared results cached.
"""

import datetime

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from news.cache import cached
from news.models import Article

ARCHIVE_PAGE_SIZE = 20
# Readable dates only: anything else in an archive URL is a 404, never a date overflow.
FIRST_YEAR = 1900
LAST_YEAR = 2999
MOST_READ_COUNT = 5
MOST_READ_WINDOWS = (7, 30)
# Views keep coming in without any content change, so most-read is cached by time:
# it may be at most this many seconds behind.
MOST_READ_TIMEOUT = 300
# Scheduled articles join the archive at their time without a save: recount that often.
ARCHIVE_TIMEOUT = 300


def archive_months(category=None):
    """[(year, month, count)] for every month with published news, newest first.

    One GROUP BY over published() in the site's time zone (a story published at
    01:00 on 1 August in Baku belongs to August).
    """

    def build():
        articles = Article.objects.published()
        if category is not None:
            articles = articles.filter(category_id=category.pk)
        rows = (
            articles.annotate(month=TruncMonth("published_at"))
            .values("month")
            .annotate(count=Count("id"))
            .order_by("-month")
        )
        return [(row["month"].year, row["month"].month, row["count"]) for row in rows]

    key = f"archive_months:{category.pk if category is not None else 'all'}"
    return cached(key, build, timeout=ARCHIVE_TIMEOUT)


def archive_years(category=None):
    """[(year, [(month, count)], total)] newest first, from archive_months()."""
    years = {}
    for year, month, count in archive_months(category):
        years.setdefault(year, []).append((month, count))
    return [(year, months, sum(n for _m, n in months)) for year, months in years.items()]


def published_years():
    """Every year from the first published article to the latest, newest first.

    For filters: two index look-ups (MIN and MAX), where archive_years() counts
    every article; a year without news in between simply filters to nothing.
    """

    def build():
        bounds = Article.objects.published().aggregate(
            first=Min("published_at"), last=Max("published_at")
        )
        if bounds["first"] is None:
            return []
        first = timezone.localtime(bounds["first"]).year
        last = timezone.localtime(bounds["last"]).year
        return list(range(last, first - 1, -1))

    return cached("published_years", build, timeout=ARCHIVE_TIMEOUT)


def valid_period(year, month=None):
    """Whether the URL's numbers name a real month (or year) the archive could hold."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return False
    return month is None or 1 <= month <= 12


def month_bounds(year, month):
    """[start, end) of a month in the site's time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=zone)
    end = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start, end


def archive_page(page_number, year, month, category=None):
    """One page of a month's published news, newest first; a bad page number is a 404."""
    start, end = month_bounds(year, month)
    articles = (
        Article.objects.published()
        .for_listing()
        .filter(published_at__gte=start, published_at__lt=end)
    )
    if category is not None:
        articles = articles.filter(category_id=category.pk)
    paginator = Paginator(articles, ARCHIVE_PAGE_SIZE, allow_empty_first_page=True)
    try:
        return paginator.page(page_number or 1)
    except InvalidPage as error:
        raise Http404(str(error)) from error


def most_read(days, now=None, count=MOST_READ_COUNT):
    """The published articles with the most views over the last `days` days (Baku days).

    `now` lets tests travel in time; the cache key carries the day, so a cached list
    never outlives its window.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    first_day = today - datetime.timedelta(days=days - 1)

    def build():
        return list(
            Article.objects.published(now)
            .for_listing()
            .filter(daily_views__day__gte=first_day, daily_views__day__lte=today)
            .annotate(window_views=Sum("daily_views__count"))
            .order_by("-window_views", "-published_at", "-id")[:count]
        )

    return cached(f"most_read:{days}:{today.isoformat()}", build, timeout=MOST_READ_TIMEOUT)
