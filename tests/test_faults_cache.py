"""Redis down: pages keep coming from the database and no view is lost.

gunicorn runs against the test database directly and against Redis (database 9, ours)
through a TCP proxy; cutting the proxy is the outage. The shared Redis server is never
stopped. Views are counted before, during and after the outage; the database ends with
exactly their sum, whether a view went through the Redis buffer or straight to the table.
"""

import time
import uuid
from pathlib import Path

import pytest
import redis
from django.db import connection

from news.models import Article
from tests.conftest import READER_UA
from tests.factories import ArticleFactory
from tests.ops_support import Gunicorn, TcpProxy, gunicorn_env, http_get

REDIS_DB = 9
VIEWS_EACH_PHASE = 12


@pytest.fixture
def scratch_redis():
    """Our Redis database, and a key prefix of this test's own: other sessions running the
    suite at the same time share the database, so nothing here flushes it."""
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    client.prefix = f"faults-{uuid.uuid4().hex[:12]}"
    yield client
    for key in client.scan_iter(match=f"{client.prefix}*"):
        client.delete(key)


def _view(server, path, times):
    statuses = [
        http_get(server.url + path, headers={"User-Agent": READER_UA})[0] for _ in range(times)
    ]
    assert set(statuses) == {200}, f"{statuses}\n{server.log_tail()}"


def _diagnosis(server, client, article):
    from news.models import DailyViews

    lines = [
        line
        for line in Path(server.log_path).read_text().splitlines()
        if '"gunicorn.access"' not in line and '"core.caching"' not in line
    ]
    keys = {
        key.decode(): client.type(key).decode()
        for key in client.scan_iter(match=f"{client.prefix}*")
    }
    hashes = {key: client.hgetall(key) for key, kind in keys.items() if kind == "hash"}
    daily = list(DailyViews.objects.filter(article=article).values_list("day", "count"))
    return f"redis: {keys} {hashes}\ndaily: {daily}\nlog:\n" + "\n".join(lines[-60:])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_redis_outage_serves_pages_and_loses_no_views(tmp_path, scratch_redis):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    article = ArticleFactory()
    path = article.get_absolute_url("az")
    with TcpProxy(target_port=6379) as proxy:
        env = gunicorn_env(
            REDIS_URL=f"redis://127.0.0.1:{proxy.port}/{REDIS_DB}",
            CACHE_KEY_PREFIX=scratch_redis.prefix,
            PAGE_CACHE_SECONDS="60",
            VIEW_FLUSH_SECONDS="1",
        )
        with Gunicorn(env, workers=2, log_path=tmp_path / "gunicorn.log") as server:
            _view(server, path, VIEWS_EACH_PHASE)
            assert http_get(server.url + "/readyz")[0] == 200

            proxy.cut()
            _view(server, path, VIEWS_EACH_PHASE)
            for page in ["/az/", "/en/news/", article.category.get_absolute_url()]:
                status, _headers, body = http_get(server.url + page)
                assert status == 200, page
                assert article.title_az.encode() in body or article.title_en.encode() in body
            status, _headers, body = http_get(server.url + "/readyz")
            assert status == 503
            assert b'"cache": "unavailable"' in body

            proxy.restore()
            _view(server, path, VIEWS_EACH_PHASE)

            expected = 3 * VIEWS_EACH_PHASE
            # Normally a second or two. A flush cut off mid-way by the outage leaves its batch
            # in Redis, picked up as an orphan after view_buffer.ORPHAN_SECONDS: delayed, not lost.
            deadline = time.monotonic() + 80
            counted = 0
            while time.monotonic() < deadline:
                counted = Article.objects.get(pk=article.pk).view_count
                if counted >= expected:
                    break
                time.sleep(0.25)
            time.sleep(1.5)  # one more flush interval: nothing is counted twice either
            counted = Article.objects.get(pk=article.pk).view_count
            assert counted == expected, _diagnosis(server, scratch_redis, article)
