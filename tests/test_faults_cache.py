"""Redis down: pages keep coming from the database, no view is lost, and the same
workers serve on when Redis is back.

gunicorn runs against the test database directly and against a redis-server of the
test's own through a TCP proxy; cutting the proxy is the outage (the machine's Redis is
never touched). Views are counted before, during and after the outage; the database ends
with exactly their sum, whether a view went through the Redis buffer or straight to the
table. Two servers and every kind of content change during an outage:
tests/test_faults_redis.py.
"""

import shutil
import time
import uuid

import pytest
from django.db import connection

from news.models import Article, DailyViews
from tests.conftest import READER_UA
from tests.factories import ArticleFactory
from tests.ops_support import Gunicorn, RedisServer, TcpProxy, gunicorn_env, http_get
from tests.services import missing

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]

VIEWS_EACH_PHASE = 12


@pytest.fixture
def scratch_redis(tmp_path):
    """A redis-server of this test's own, with a key prefix as the servers use it."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing("the redis-server binary")
    with RedisServer(tmp_path / "redis", binary=binary) as server:
        client = server.client()
        client.prefix = f"faults-{uuid.uuid4().hex[:12]}"
        client.server = server
        yield client


def _view(server, path, times):
    statuses = [
        http_get(server.url + path, headers={"User-Agent": READER_UA})[0] for _ in range(times)
    ]
    assert set(statuses) == {200}, f"{statuses}\n{server.log_tail()}"


def _readyz(server):
    status, _headers, body = http_get(server.url + "/readyz")
    return status, body.decode()


def _diagnosis(server, client, article):
    lines = [
        line
        for line in server.log_path.read_text().splitlines()
        if '"gunicorn.access"' not in line and '"core.caching' not in line
    ]
    keys = {
        key.decode(): client.type(key).decode()
        for key in client.scan_iter(match=f"{client.prefix}*")
    }
    hashes = {key: client.hgetall(key) for key, kind in keys.items() if kind == "hash"}
    daily = list(DailyViews.objects.filter(article=article).values_list("day", "count"))
    return f"redis: {keys} {hashes}\ndaily: {daily}\nlog:\n" + "\n".join(lines[-60:])


@pytest.mark.django_db(transaction=True)
def test_redis_outage_serves_pages_loses_no_views_and_recovers_without_restart(
    tmp_path, scratch_redis
):
    if connection.vendor != "postgresql":
        missing("PostgreSQL (DATABASE_URL)")
    article = ArticleFactory()
    path = article.get_absolute_url("az")
    with TcpProxy(target_port=scratch_redis.server.port) as proxy:
        env = gunicorn_env(
            REDIS_URL=f"redis://127.0.0.1:{proxy.port}/0",
            CACHE_KEY_PREFIX=scratch_redis.prefix,
            PAGE_CACHE_SECONDS="60",
            CONTENT_VERSION_TTL="2",
            VIEW_FLUSH_SECONDS="1",
        )
        with Gunicorn(env, workers=2, log_path=tmp_path / "gunicorn.log") as server:
            _view(server, path, VIEWS_EACH_PHASE)
            status, health = _readyz(server)
            assert status == 200
            assert '"cache": "ok"' in health
            master, workers = server.process.pid, server.worker_pids()
            assert len(workers) == 2, workers

            proxy.cut()
            _view(server, path, VIEWS_EACH_PHASE)
            for page in ["/az/", "/en/news/", article.category.get_absolute_url()]:
                status, _headers, body = http_get(server.url + page)
                assert status == 200, page
                assert article.title_az.encode() in body or article.title_en.encode() in body
            # Without the cache the site is slower, not down: a load balancer keeps it.
            status, health = _readyz(server)
            assert status == 200, health
            assert '"status": "degraded"' in health
            assert '"database": "ok", "cache": "degraded"' in health

            proxy.restore()
            recovered_from = server.log_size()
            _view(server, path, VIEWS_EACH_PHASE)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and '"cache": "ok"' not in _readyz(server)[1]:
                time.sleep(0.2)
            assert _readyz(server) == (
                200,
                '{"status": "ok", "checks": {"database": "ok", "cache": "ok"}}',
            )

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

            # Recovered without a restart, by the same workers.
            server.assert_recovered_without_restart(master, workers, recovered_from, "Redis")
