"""/livez answers without touching anything; /readyz checks the database and the cache and
says so in JSON. A node is ready (200) while its database answers: a Redis that does not
answer makes it "degraded", never unavailable. Both live outside the language prefixes
and the HTTPS redirect.

The 503 for a database that does not answer is pinned in tests/test_faults_database.py.
"""

import pytest
import redis
from django.test import override_settings

from tests import test_cache_redis as backends
from tests.factories import ArticleFactory
from tests.ops_support import TcpProxy

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_commands(monkeypatch):
    """Every command any redis-py connection of this process sends from now on."""
    sent = []
    connection_class = redis.connection.AbstractConnection
    send = connection_class.send_packed_command

    def spy(self, command, check_health=True):
        sent.append(command)
        return send(self, command, check_health)

    monkeypatch.setattr(connection_class, "send_packed_command", spy)
    return sent


def readyz(client):
    response = client.get("/readyz")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    return response.status_code, response.json()


@pytest.mark.redis
def test_livez_touches_neither_database_nor_cache(
    settings, client, django_assert_num_queries, redis_commands
):
    with backends.backend("redis", settings):
        redis_commands.clear()
        with django_assert_num_queries(0):
            response = client.get("/livez")
        assert redis_commands == []
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == b"ok"


@pytest.mark.redis
def test_readyz_is_ok_with_redis_answering(settings, client):
    with backends.backend("redis", settings):
        assert readyz(client) == (
            200,
            {"status": "ok", "checks": {"database": "ok", "cache": "ok"}},
        )


def test_readyz_says_local_without_redis(settings, client):
    with backends.backend("local", settings):
        assert readyz(client) == (
            200,
            {"status": "ok", "checks": {"database": "ok", "cache": "local"}},
        )


def test_readyz_is_200_and_degraded_when_redis_does_not_answer(settings, client):
    with backends.backend("redis-down", settings):
        assert readyz(client) == (
            200,
            {"status": "degraded", "checks": {"database": "ok", "cache": "degraded"}},
        )


@pytest.mark.redis
@pytest.mark.slow
def test_readyz_follows_redis_going_away_and_coming_back(settings, client):
    """Redis behind a proxy that cuts every connection: the node stays ready and the
    pages keep rendering; once Redis is back, readyz says ok again at once."""
    article = ArticleFactory()
    paths = ["/az/", article.get_absolute_url("az")]
    with (
        backends.our_redis(backends.SPARE_DB, "a Redis behind a proxy"),
        TcpProxy(target_port=6379) as proxy,
        backends.backend("local", settings),
    ):
        settings.PAGE_CACHE_SECONDS = 300
        behind_proxy = backends.redis_url(backends.SPARE_DB, proxy.port)
        backends.use_redis(settings, behind_proxy, behind_proxy)
        backends.restart_worker()
        assert readyz(client)[1]["status"] == "ok"

        proxy.cut()
        assert readyz(client) == (
            200,
            {"status": "degraded", "checks": {"database": "ok", "cache": "degraded"}},
        )
        for path in paths:
            assert client.get(path).status_code == 200, path

        proxy.restore()
        assert readyz(client) == (
            200,
            {"status": "ok", "checks": {"database": "ok", "cache": "ok"}},
        )


@override_settings(SECURE_SSL_REDIRECT=True)
@pytest.mark.parametrize("path", ["/livez", "/readyz"])
def test_health_checks_are_outside_prefixes_and_redirects(client, path):
    # A load balancer probes over plain HTTP, with no language.
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
