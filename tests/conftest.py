"""Shared fixtures (a clean cache per test, readers, editors, translators) and the services
markers: a test marked `postgres` or `redis` is skipped when that service is missing, and
fails instead under CI=true (tests.services.missing)."""

import functools
import subprocess
import warnings

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import translation

from core import caching
from news import view_counts
from tests.factories import editor, in_english, make_translator
from tests.services import missing

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with empty caches and a worker that knows no content version:
    a version held from an earlier test's rolled-back transaction must not leak, nor
    a view buffer's "Redis is down" mark from a test that cut it."""
    cache.clear()
    caching.reset()
    view_counts.reset()
    yield
    cache.clear()
    caching.reset()
    view_counts.reset()


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """Each test starts as a fresh thread does, with no language activated: a request
    leaves its page's language active (LocaleMiddleware), and code that assigns to a
    translated model's original field writes the active language's column."""
    translation.deactivate()
    yield
    translation.deactivate()


# --- services -----------------------------------------------------------------------------


@functools.cache
def redis_answers():
    """Whether the Redis the tests use answers (asked once per run)."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def require_postgres():
    if connection.vendor != "postgresql":
        missing("PostgreSQL (set DATABASE_URL=postgres://…)")


def pytest_itemcollected(item):
    if "postgres_only" in getattr(item, "fixturenames", ()):
        item.add_marker(pytest.mark.postgres)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """On pytest-xdist's workers (make test-fast: --dist loadgroup --no-loadscope-reorder):
    the tests marked redis run on one worker, one after another, as the Redis databases
    they use are shared (a module's tests flush one). They go last, so pytest-django's
    stable sort (rolled-back tests, then those that empty the database, then the rest)
    places them at the end of each kind, and their group after every rolled-back test
    the worker runs before it: a test that empties the database never runs before one
    that needs what the migrations put there."""
    if not hasattr(config, "workerinput"):
        return
    uses_redis = [item for item in items if item.get_closest_marker("redis")]
    for item in uses_redis:
        item.add_marker(pytest.mark.xdist_group("redis"))
    moved = set(map(id, uses_redis))
    items[:] = [item for item in items if id(item) not in moved] + uses_redis


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before the test's fixtures: a missing service skips (fails in CI) the test here."""
    _started.clear()  # see the slow marker's check below
    if item.get_closest_marker("postgres"):
        require_postgres()
    if item.get_closest_marker("redis") and not redis_answers():
        missing("Redis on 127.0.0.1:6379")


@pytest.fixture
def postgres_only(db):
    require_postgres()


# --- the slow marker, checked ---------------------------------------------------------------


class UnmarkedSlowTest(UserWarning):
    """A test started a process of its own without the `slow` marker: make test-fast ran it."""


# What the running test (its setup included) started, through subprocess.Popen.
_started = []
_popen_init = subprocess.Popen.__init__


def _recording_popen_init(self, args, *rest, **kwargs):
    _started.append(args)
    _popen_init(self, args, *rest, **kwargs)


def pytest_configure(config):
    subprocess.Popen.__init__ = _recording_popen_init


def pytest_unconfigure(config):
    subprocess.Popen.__init__ = _popen_init


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    if _started and not item.get_closest_marker("slow") and not item.get_closest_marker("browser"):
        command = _started[0]
        shown = " ".join(map(str, command)) if isinstance(command, list | tuple) else command
        warnings.warn(
            UnmarkedSlowTest(f"started `{str(shown)[:80]}` but is not marked slow"),
            stacklevel=1,
        )
    return (yield)


# --- people ---------------------------------------------------------------------------------

READER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


@pytest.fixture
def reader(client):
    """A test client that identifies as an ordinary browser."""
    client.defaults["HTTP_USER_AGENT"] = READER_UA
    return client


@pytest.fixture
def visitor():
    """A second browser, signed in as nobody, beside pytest-django's `client`."""
    return Client()


@pytest.fixture
def editor_client(client):
    """pytest-django's `client`, signed in as a member of the Editor group, in English."""
    client.force_login(editor())
    return in_english(client)


@pytest.fixture
def translator(client):
    """A translator into English, signed in on pytest-django's `client`, in English."""
    user = make_translator()
    in_english(client).force_login(user)
    return user


@pytest.fixture
def translator_client(client, translator):
    """pytest-django's `client`, signed in as `translator`."""
    return client


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
