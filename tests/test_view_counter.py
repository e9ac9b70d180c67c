"""The view counter: exact under concurrency, blind to HEAD, bots and staff.

Each test runs without Redis (views straight to the database), with Redis as the view
buffer (flushed by hand) and with Redis configured but not answering
(tests/test_cache_redis.py, `backend`).
"""

import pytest

from news.models import Article, DailyViews
from tests import test_cache_redis as backends
from tests.concurrency import read_concurrently
from tests.conftest import READER_UA
from tests.factories import ArticleFactory


@pytest.fixture(params=backends.BACKENDS)
def cache_backend(request, settings):
    with backends.backend(request.param, settings) as chosen:
        yield chosen


def counted(article, chosen):
    chosen.flush_views()
    return Article.objects.get(pk=article.pk).view_count


@pytest.mark.django_db
def test_a_reader_view_adds_one_and_is_shown(reader, cache_backend):
    article = ArticleFactory(view_count=2628)
    response = reader.get(article.get_absolute_url("en"))
    assert response.status_code == 200
    assert "2,629 views" in response.content.decode()
    assert counted(article, cache_backend) == 2629
    assert DailyViews.objects.get(article=article).count == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "user_agent"),
    [
        ("head", READER_UA),
        ("get", "Googlebot/2.1 (+http://www.google.com/bot.html)"),
        ("get", "Mozilla/5.0 (compatible; bingbot/2.0)"),
        ("get", "curl/8.0"),
        ("get", ""),
    ],
)
def test_heads_and_bots_are_not_counted(client, cache_backend, method, user_agent):
    article = ArticleFactory()
    response = getattr(client, method)(article.get_absolute_url("az"), HTTP_USER_AGENT=user_agent)
    assert response.status_code == 200
    assert counted(article, cache_backend) == 0
    assert not DailyViews.objects.exists()


@pytest.mark.django_db
def test_staff_are_not_counted(admin_client, cache_backend):
    article = ArticleFactory(view_count=41)
    response = admin_client.get(article.get_absolute_url("en"), HTTP_USER_AGENT=READER_UA)
    assert response.status_code == 200
    assert "41 views" in response.content.decode()  # the staff member sees the count as is
    assert counted(article, cache_backend) == 41
    assert not DailyViews.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_views_add_exactly_n(postgres_only, cache_backend):
    article = ArticleFactory()
    url = article.get_absolute_url("az")
    threads_count, per_thread = 8, 10
    assert not read_concurrently(url, threads_count, per_thread)
    assert counted(article, cache_backend) == threads_count * per_thread
    assert DailyViews.objects.get(article=article).count == threads_count * per_thread
    assert Article.objects.count() == 1
