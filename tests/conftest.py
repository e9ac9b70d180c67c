"""Shared fixtures: a clean cache per test and helpers for PostgreSQL-only tests."""

import pytest
from django.core.cache import cache
from django.db import connection

from core import caching


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with empty caches and a worker that knows no content version:
    a version held from an earlier test's rolled-back transaction must not leak."""
    cache.clear()
    caching.reset()
    yield
    cache.clear()
    caching.reset()


@pytest.fixture
def postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


READER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


@pytest.fixture
def reader(client):
    """A test client that identifies as an ordinary browser."""
    client.defaults["HTTP_USER_AGENT"] = READER_UA
    return client
