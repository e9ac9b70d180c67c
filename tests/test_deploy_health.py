"""/livez answers without touching anything; /readyz checks the database and the cache and
says so in JSON, 200 or 503. Both live outside the language prefixes and the HTTPS redirect."""

from unittest import mock

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_livez_touches_neither_database_nor_cache(client, django_assert_num_queries):
    with (
        django_assert_num_queries(0),
        mock.patch("django.core.cache.cache.get", side_effect=AssertionError("cache read")),
        mock.patch("django.core.cache.cache.set", side_effect=AssertionError("cache write")),
    ):
        response = client.get("/livez")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == b"ok"


def test_readyz_is_json_and_ready(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_readyz_is_503_when_the_cache_is_down(client):
    with mock.patch("portal.views.cache.set", side_effect=ConnectionError("redis down")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "unavailable"}


@override_settings(SECURE_SSL_REDIRECT=True)
@pytest.mark.parametrize("path", ["/livez", "/readyz"])
def test_health_checks_are_outside_prefixes_and_redirects(client, path):
    # A load balancer probes over plain HTTP, with no language.
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
