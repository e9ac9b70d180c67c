"""Logs: one JSON object a line on stdout, each with the id of the request it belongs to,
from Django and from gunicorn's access log alike."""

import io
import json
import logging

import pytest

from portal.logging import JsonFormatter, RequestIdFilter
from tests.factories import ArticleFactory
from tests.ops_support import Gunicorn, gunicorn_env, http_get


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_a_logged_request_carries_its_id(client, captured):
    response = client.get("/az/no-such-page/", HTTP_X_REQUEST_ID="proxy-given-id-123")
    assert response["X-Request-ID"] == "proxy-given-id-123"
    entry = json.loads(captured.getvalue().strip().splitlines()[-1])
    assert entry["request_id"] == "proxy-given-id-123"
    assert entry["level"] == "WARNING"
    assert entry["status"] == 404
    assert entry["path"] == "/az/no-such-page/"


@pytest.mark.django_db
@pytest.mark.parametrize("incoming", ["", "short", "has spaces in it", "x" * 200, "<script>"])
def test_a_malformed_incoming_id_is_replaced(client, incoming):
    response = client.get("/livez", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


def test_errors_are_logged_with_their_traceback_in_one_line():
    formatter = JsonFormatter()
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed: %s", ("here",), exc_info=True
        )
        import sys

        record.exc_info = sys.exc_info()
    line = formatter.format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "failed: here"
    assert "ValueError: broken" in entry["exception"]


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_under_gunicorn_every_line_is_json_with_the_request_id(tmp_path):
    article = ArticleFactory()
    env = gunicorn_env()
    log_path = tmp_path / "gunicorn.log"
    with Gunicorn(env, workers=1, log_path=log_path) as server:
        ok = http_get(server.url + article.get_absolute_url("az"))
        missing = http_get(
            server.url + "/en/no-such-page/", headers={"X-Request-ID": "req-404-abc"}
        )
        bogus = http_get(server.url + "/az/", headers={"Host": "evil.example"})
    assert ok[0] == 200
    assert missing[0] == 404
    assert bogus[0] == 400
    entries = [json.loads(line) for line in log_path.read_text().splitlines() if line.strip()]
    access = [entry for entry in entries if entry["logger"] == "gunicorn.access"]
    assert len(access) >= 4  # the launcher's /livez, then our three
    assert {entry["status"] for entry in access} >= {200, 404, 400}
    assert all(entry["request_id"] for entry in access)
    page = next(entry for entry in access if entry["path"] == article.get_absolute_url("az"))
    assert page["request_id"] == ok[1]["X-Request-ID"]
    not_found = [entry for entry in entries if entry.get("request_id") == "req-404-abc"]
    assert {entry["logger"] for entry in not_found} == {"django.request", "gunicorn.access"}
    assert any(entry["logger"] == "gunicorn.error" for entry in entries)
