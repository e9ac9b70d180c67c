"""An article page read from Redis costs one round trip: the content version and the
view count go together (portal.page_cache, news.view_buffer.add_with_version), and
the count stays exact, also when the address stops showing that article.

Uses Redis database 10 on 127.0.0.1:6379 for both the shared cache and the view
buffer (flushed before and after each test); skipped when Redis is not there.
"""

import pytest
import redis
from django.utils import timezone

from news import view_buffer
from news.models import Article
from tests.conftest import READER_UA
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/10"


@pytest.fixture(params=[300, 0], ids=["page cache", "no page cache"])
def shared_redis(request, settings):
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379 (database 10)")
    client.flushdb()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "round-trips",
        }
    }
    settings.CACHE_KEY_PREFIX = "round-trips"
    settings.VIEW_BUFFER_URL = REDIS_URL
    settings.VIEW_FLUSH_SECONDS = 0  # flushed by hand
    settings.PAGE_CACHE_SECONDS = request.param
    view_buffer._state["down_until"] = 0.0
    yield client
    client.flushdb()
    view_buffer._state["down_until"] = 0.0


@pytest.fixture
def round_trips(monkeypatch):
    """Counts the commands (or pipelines) sent to Redis."""
    sent = []
    original = redis.connection.AbstractConnection.send_packed_command

    def spy(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", spy)
    return sent


def get(client, path):
    return client.get(path, HTTP_USER_AGENT=READER_UA)


def views(article):
    view_buffer.flush()
    return Article.objects.get(pk=article.pk).view_count


def test_a_read_article_costs_one_round_trip_and_every_view_counts(
    shared_redis, round_trips, client, settings
):
    article = ArticleFactory(view_count=0)
    url = article.get_absolute_url("az")
    for _ in range(2):
        assert get(client, url).status_code == 200
    round_trips.clear()
    response = get(client, url)
    assert response.status_code == 200
    assert len(round_trips) == 1
    if not settings.PAGE_CACHE_SECONDS:  # a cached page shows the count it was made with
        assert "3 baxış" in response.content.decode()
    assert views(article) == 3


def test_an_edit_shows_at_once_and_counts_once(shared_redis, client):
    article = ArticleFactory(view_count=0, title_az="Köhnə başlıq")
    url = article.get_absolute_url("az")
    get(client, url)
    get(client, url)
    article.title_az = "Yeni başlıq"
    article.save()
    text = get(client, url).content.decode()
    assert "Yeni başlıq" in text
    assert "3 baxış" in text
    assert views(article) == 3


def test_a_view_counted_ahead_is_taken_back_when_the_page_is_gone(shared_redis, client):
    article = ArticleFactory(view_count=0)
    url = article.get_absolute_url("az")
    get(client, url)
    get(client, url)
    assert views(article) == 2
    article = Article.objects.get(pk=article.pk)  # with its counted views
    article.status = Article.Status.DRAFT
    article.save()
    assert get(client, url).status_code == 404
    assert views(article) == 2
    pending = shared_redis.hgetall(view_buffer.pending_key())
    assert int(pending.get(f"{article.pk}:{timezone.localdate()}".encode(), 0)) == 0


def test_heads_and_bots_are_not_counted_ahead(shared_redis, client):
    article = ArticleFactory(view_count=0)
    url = article.get_absolute_url("az")
    get(client, url)
    client.head(url, HTTP_USER_AGENT=READER_UA)
    client.get(url, HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")
    assert views(article) == 1
