"""Most read: views summed over the last 7 and 30 days, published articles only."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news import selectors
from news.models import DailyViews
from news.view_counts import record_views
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def views(article, days_ago, count, today):
    DailyViews.objects.create(
        article=article, day=today - datetime.timedelta(days=days_ago), count=count
    )


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def today(now):
    return timezone.localdate(now)


def ids(articles):
    return [article.pk for article in articles]


def test_windows_rank_by_views_inside_the_window(now, today):
    weekly_star = ArticleFactory(title_az="Həftənin xəbəri")
    old_star = ArticleFactory(title_az="Keçən ayın xəbəri")
    steady = ArticleFactory(title_az="Sabit oxunan")
    views(weekly_star, 0, 50, today)
    views(weekly_star, 6, 10, today)
    views(old_star, 7, 500, today)  # just outside the 7-day window
    views(old_star, 29, 100, today)
    views(old_star, 30, 9999, today)  # outside both windows
    for day in range(0, 30, 3):
        views(steady, day, 5, today)  # 10 days x 5 = 50; 3 of them in the last week
    assert ids(selectors.most_read(7, now=now)) == [weekly_star.pk, steady.pk]
    assert ids(selectors.most_read(30, now=now)) == [old_star.pk, weekly_star.pk, steady.pk]
    assert selectors.most_read(30, now=now)[0].window_views == 600


def test_time_travel_moves_the_window(now, today):
    article = ArticleFactory()
    views(article, 0, 10, today)
    assert ids(selectors.most_read(7, now=now)) == [article.pk]
    assert ids(selectors.most_read(7, now=now + datetime.timedelta(days=6))) == [article.pk]
    assert ids(selectors.most_read(7, now=now + datetime.timedelta(days=7))) == []
    assert ids(selectors.most_read(30, now=now + datetime.timedelta(days=29))) == [article.pk]
    assert ids(selectors.most_read(30, now=now + datetime.timedelta(days=30))) == []


def test_only_published_articles_are_listed(now, today):
    draft = ArticleFactory(status="draft")
    withdrawn = ArticleFactory(status="withdrawn", withdrawn_reason_az="Səhv")
    scheduled = ArticleFactory(published_at=now + datetime.timedelta(hours=2))
    shown = ArticleFactory()
    for article in (draft, withdrawn, scheduled, shown):
        views(article, 0, 100, today)
    assert ids(selectors.most_read(7, now=now)) == [shown.pk]


def test_recorded_views_count_on_their_day(now):
    first, second = ArticleFactory(), ArticleFactory()
    record_views(first.pk, 3)
    record_views(second.pk, 5)
    record_views(first.pk, 4)
    assert ids(selectors.most_read(7)) == [first.pk, second.pk]


def test_the_list_is_cached_for_a_short_time(now, today):
    article, newcomer = ArticleFactory(), ArticleFactory()
    views(article, 0, 10, today)
    assert ids(selectors.most_read(7, now=now)) == [article.pk]
    # New views change no content (no version bump): the list waits for its timeout.
    views(newcomer, 0, 50, today)
    with CaptureQueriesContext(connection) as queries:
        cached_list = selectors.most_read(7, now=now)
    assert ids(cached_list) == [article.pk]  # at most MOST_READ_TIMEOUT seconds stale
    assert all("dailyviews" not in q["sql"] for q in queries)
    assert selectors.MOST_READ_TIMEOUT <= 600


def test_sidebar_shows_both_windows(client, today):
    article = ArticleFactory(title_az="Ən çox oxunan xəbər", title_en="The most read story")
    views(article, 0, 10, today)
    text = client.get("/az/news/").content.decode()
    assert "Son 7 gündə ən çox oxunanlar" in text
    assert "Son 30 gündə ən çox oxunanlar" in text
    assert text.count("Ən çox oxunan xəbər") >= 3  # latest + both most-read lists
    english = client.get("/en/news/").content.decode()
    assert "Most read in the last 7 days" in english


def test_sidebar_is_left_out_when_nothing_was_read(client):
    ArticleFactory()
    assert "Most read" not in client.get("/en/news/").content.decode()
