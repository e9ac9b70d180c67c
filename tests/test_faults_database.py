"""PostgreSQL down: every page answers the bilingual 503 page with Retry-After, never a
traceback, and the site serves again by itself when the database returns.

The in-process tests raise the database's error on each path a request can take (view,
context processor, a middleware before the view, the 404 page). The outage test runs
gunicorn against the test database through a TCP proxy and cuts the proxy: the shared
PostgreSQL server itself is never stopped.
"""

import time
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings

from tests.factories import ArticleFactory
from tests.ops_support import Gunicorn, TcpProxy, gunicorn_env, http_get
from tests.services import missing

pytestmark = pytest.mark.django_db


class FailingMiddleware:
    """Stands for any middleware that reads the database before the view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("could not connect to server: Connection refused")


def assert_is_the_503_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    text = response.content.decode()
    assert "Sayt müvəqqəti əlçatan deyil" in text
    assert "The site is temporarily unavailable" in text
    assert "Traceback" not in text
    assert "OperationalError" not in text


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    ("target", "path"),
    [
        ("news.selectors.home_articles", "/az/"),  # in the view
        ("news.selectors.menu_categories", "/en/news/"),  # in a context processor
        ("news.selectors.article_for_reader", "/az/news/1/x/"),
    ],
)
def test_database_error_in_a_view_or_its_context_is_a_503(client, target, path):
    with mock.patch(target, side_effect=OperationalError("server closed the connection")):
        assert_is_the_503_page(client.get(path))


def test_database_error_in_a_middleware_before_the_view_is_a_503(client, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_faults_database.FailingMiddleware"]
    assert_is_the_503_page(client.get("/az/"))


def test_database_error_while_rendering_the_404_page_is_a_503(client):
    with mock.patch(
        "news.selectors.menu_categories", side_effect=OperationalError("connection refused")
    ):
        assert_is_the_503_page(client.get("/az/no-such-category-at-all/"))


@override_settings(DEBUG=False)
def test_other_errors_stay_500(client):
    with mock.patch("news.selectors.home_articles", side_effect=RuntimeError("bug")):
        response = client.get("/az/")
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_readyz_reports_the_database(client):
    with mock.patch("portal.views.connection") as fake:
        fake.cursor.side_effect = OperationalError("down")
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_real_outage_answers_503_and_recovers_without_restart(tmp_path):
    if connection.vendor != "postgresql":
        missing("PostgreSQL (DATABASE_URL)")
    article, unread = ArticleFactory(), ArticleFactory()
    with TcpProxy(target_port=int(connection.settings_dict.get("PORT") or 5432)) as proxy:
        env = gunicorn_env(database_port=proxy.port, DB_CONN_MAX_AGE="60")
        pages = ["/az/", "/en/news/", article.get_absolute_url("az")]
        with Gunicorn(env, workers=2, log_path=tmp_path / "gunicorn.log") as server:
            for path in pages:
                assert http_get(server.url + path)[0] == 200, path
            master, workers = server.process.pid, server.worker_pids()
            assert len(workers) == 2, workers

            proxy.cut()
            # A page made wholly of fragments cached per content version may still be
            # answered (nothing can change while the database is down), and so may a 404;
            # every page that reads the database answers 503: an article (its view
            # count is read on every request) and a page no worker has rendered yet.
            status, _headers, _body = http_get(server.url + "/az/no-such-category/")
            assert status in {404, 503}
            for path in ["/az/", "/en/news/"]:
                assert http_get(server.url + path)[0] in {200, 503}, path
            for path in [article.get_absolute_url("az"), unread.get_absolute_url("en")]:
                for _ in range(3):  # every worker, persistent connections included
                    status, headers, body = http_get(server.url + path)
                    assert status == 503, (path, status)
                    assert headers["Retry-After"] == "30"
                    text = body.decode()
                    assert "The site is temporarily unavailable" in text
                    assert "Sayt müvəqqəti əlçatan deyil" in text
                    assert "Traceback" not in text
            status, _headers, body = http_get(server.url + "/readyz")
            assert status == 503
            assert b'"database": "unavailable"' in body
            assert http_get(server.url + "/livez")[0] == 200

            proxy.restore()
            recovered_from = server.log_size()
            deadline = time.monotonic() + 10
            statuses = []
            while time.monotonic() < deadline:
                statuses = [http_get(server.url + path)[0] for path in pages * 2]
                if set(statuses) == {200}:
                    break
                time.sleep(0.2)
            assert set(statuses) == {200}
            assert http_get(server.url + "/readyz")[0] == 200
            # Recovered without a restart, by the same workers.
            server.assert_recovered_without_restart(master, workers, recovered_from, "the database")
        log = (tmp_path / "gunicorn.log").read_text()
    # The outage is in the logs as JSON lines, each with the request id.
    assert '"logger": "portal.middleware", "message": "database unavailable' in log
