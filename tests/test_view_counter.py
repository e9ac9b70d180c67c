"""The view counter: exact under concurrency, blind to HEAD, bots and staff."""

import pytest

from news.models import Article, DailyViews
from tests.concurrency import read_concurrently
from tests.conftest import READER_UA
from tests.factories import ArticleFactory


@pytest.mark.django_db
def test_a_reader_view_adds_one_and_is_shown(reader):
    article = ArticleFactory(view_count=2628)
    response = reader.get(article.get_absolute_url("en"))
    assert "2,629 views" in response.content.decode()
    article.refresh_from_db()
    assert article.view_count == 2629
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
def test_heads_and_bots_are_not_counted(client, method, user_agent):
    article = ArticleFactory()
    response = getattr(client, method)(article.get_absolute_url("az"), HTTP_USER_AGENT=user_agent)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.view_count == 0


@pytest.mark.django_db
def test_staff_are_not_counted(admin_client):
    article = ArticleFactory()
    admin_client.get(article.get_absolute_url("az"), HTTP_USER_AGENT=READER_UA)
    article.refresh_from_db()
    assert article.view_count == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_views_add_exactly_n(postgres_only):
    article = ArticleFactory()
    url = article.get_absolute_url("az")
    threads_count, per_thread = 8, 10
    assert not read_concurrently(url, threads_count, per_thread)
    article.refresh_from_db()
    assert article.view_count == threads_count * per_thread
    assert DailyViews.objects.get(article=article).count == threads_count * per_thread
    assert Article.objects.count() == 1
