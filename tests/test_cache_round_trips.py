"""What a page costs in Redis round trips, and why fewer never means stale or uncounted.

The content version is kept in each process's memory and refreshed when a bump is
announced (news.version_watch); a page from the page cache sends its view without
waiting for an answer (news.view_counts.buffer.send). These tests prove that pages still
change at once, also when the change comes from another process or the announcement
is lost, and that every view is still counted.

Uses Redis database 10 on 127.0.0.1:6379 for both the shared cache and the view
buffer (flushed before and after each test); skipped when Redis is not there.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.core.cache import cache

from news.models import Article
from news.view_counts import buffer as view_buffer
from tests.conftest import READER_UA
from tests.factories import ArticleFactory
from tests.redis_support import empty_redis

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/10"
KEY_PREFIX = "round-trips"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=[300, 0], ids=["page cache", "no page cache"])
def shared_redis(request, settings):
    with empty_redis(REDIS_URL, "the shared cache and the view buffer") as client:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": KEY_PREFIX,
            }
        }
        settings.CACHE_KEY_PREFIX = KEY_PREFIX
        settings.VIEW_BUFFER_URL = REDIS_URL
        settings.VIEW_FLUSH_SECONDS = 0  # flushed by hand
        settings.PAGE_CACHE_SECONDS = request.param
        view_buffer._state["down_until"] = 0.0
        yield client
    view_buffer._state["down_until"] = 0.0


@pytest.fixture
def redis_traffic(monkeypatch):
    """The commands sent to Redis, and how many answers were waited for."""
    traffic = {"sent": [], "answers": 0}
    connection_class = redis.connection.AbstractConnection
    send, read = connection_class.send_packed_command, connection_class.read_response

    def spy_send(self, command, check_health=True):
        traffic["sent"].append(b"".join(command) if isinstance(command, list) else command)
        return send(self, command, check_health)

    def spy_read(self, *args, **kwargs):
        traffic["answers"] += 1
        return read(self, *args, **kwargs)

    monkeypatch.setattr(connection_class, "send_packed_command", spy_send)
    monkeypatch.setattr(connection_class, "read_response", spy_read)
    return traffic


def get(client, path):
    return client.get(path, HTTP_USER_AGENT=READER_UA)


def views(article):
    view_buffer.flush()
    return Article.objects.get(pk=article.pk).view_count


def command_names(traffic):
    return [command.split(b"\r\n")[2].decode() for command in traffic["sent"]]


def test_pages_read_the_version_from_memory_and_cached_articles_wait_for_nothing(
    shared_redis, redis_traffic, client, settings
):
    article = ArticleFactory(view_count=0)
    url = article.get_absolute_url("az")
    for _ in range(2):
        assert get(client, "/az/").status_code == 200
        assert get(client, url).status_code == 200

    redis_traffic["sent"].clear()
    redis_traffic["answers"] = 0
    assert get(client, "/az/").status_code == 200
    assert redis_traffic["sent"] == []  # not even the content version

    response = get(client, url)
    assert response.status_code == 200
    assert command_names(redis_traffic) == ["HINCRBY"]
    if settings.PAGE_CACHE_SECONDS:
        assert redis_traffic["answers"] == 0  # sent, not waited for
    else:
        assert redis_traffic["answers"] == 1  # the page shows the new count
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


def bump_in_another_process():
    """`bump_content_version()` in a separate Python process on the same Redis, as
    another gunicorn worker or app server does when an editor saves there."""
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="tests.settings",
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=KEY_PREFIX,
    )
    code = "import django; django.setup(); from core.caching import bump_content_version as b; b()"
    subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=60
    )


def test_a_change_announced_by_another_process_shows_on_the_next_request(shared_redis, client):
    article = ArticleFactory(title_az="Köhnə başlıq")
    url = article.get_absolute_url("az")
    assert "Köhnə başlıq" in get(client, url).content.decode()
    # Changed without a signal, so only the other process's bump can make it show.
    Article.objects.filter(pk=article.pk).update(title_az="Yeni başlıq")
    assert "Köhnə başlıq" in get(client, url).content.decode()

    bump_in_another_process()

    text = get(client, url).content.decode()
    assert "Yeni başlıq" in text
    assert "Köhnə başlıq" not in text


def test_when_the_watch_breaks_the_version_is_read_from_redis_again(shared_redis, client):
    article = ArticleFactory(title_az="Köhnə başlıq")
    url = article.get_absolute_url("az")
    get(client, url)
    get(client, url)
    # The subscription is cut, and a bump happens that nobody announces: what a
    # restart of the connection would miss.
    assert shared_redis.client_kill_filter(_type="pubsub") >= 1
    Article.objects.filter(pk=article.pk).update(title_az="Yeni başlıq")
    shared_redis.incr(cache.make_and_validate_key("content:version"))

    text = get(client, url).content.decode()
    assert "Yeni başlıq" in text
    assert "Köhnə başlıq" not in text


def test_views_sent_on_a_connection_redis_has_closed_still_count(shared_redis, client):
    article = ArticleFactory(view_count=0)
    url = article.get_absolute_url("az")
    get(client, url)
    get(client, url)
    shared_redis.client_kill_filter(_type="normal", skipme=True)  # as a Redis restart does
    for _ in range(3):
        assert get(client, url).status_code == 200
    assert views(article) == 5


def test_heads_and_bots_are_not_counted(shared_redis, client):
    article = ArticleFactory(view_count=0)
    url = article.get_absolute_url("az")
    get(client, url)
    client.head(url, HTTP_USER_AGENT=READER_UA)
    client.get(url, HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")
    assert views(article) == 1
