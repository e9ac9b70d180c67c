"""Redis as the cache, the production path: what it holds can vanish, come back old, or
stop answering, and no reader ever sees a page older than the last committed change,
because the content version comes from PostgreSQL.

Also the cache backends the other cache and view-count test modules run through
(`backend()`): "local" (no Redis: Django's local memory cache, views straight to the
database), "redis" (REDIS_URL and Django's RedisCache on database 11, the view buffer on
database 12) and "redis-down" (REDIS_URL and the view buffer on a port nothing listens
on).

Redis databases 11-13 on 127.0.0.1:6379 are this area's, but other test sessions may run
these modules at the same time: so every key is under a prefix of this session's own
(`PREFIX`, the settings' CACHE_KEY_PREFIX), our connections carry it as their client
name, and "Redis lost everything" means deleting our keys, never FLUSHDB.
"""

import contextlib
import dataclasses
import uuid

import pytest
import redis
from django.core.cache import cache
from django.template import Context, Template
from django.utils.translation import override

from core import caching
from core.models import ContentVersion
from news.view_counts import buffer as view_buffer
from tests.conftest import READER_UA
from tests.factories import ArticleFactory
from tests.ops_support import TcpProxy, free_port
from tests.services import missing

CACHE_DB, BUFFER_DB, SPARE_DB = 11, 12, 13
PREFIX = f"cache-tests-{uuid.uuid4().hex[:10]}"

BACKENDS = ["local", pytest.param("redis", marks=pytest.mark.redis), "redis-down"]


def redis_url(db, port=6379):
    """A URL for the site's settings: its connections name themselves PREFIX."""
    return f"redis://127.0.0.1:{port}/{db}?client_name={PREFIX}"


BUFFER_URL = redis_url(BUFFER_DB)


def forget_our_keys(client):
    """What FLUSHDB does to this session, leaving other sessions' keys alone."""
    for key in client.scan_iter(match=f"{PREFIX}:*", count=1000):
        client.delete(key)


def our_keys(client):
    return set(client.scan_iter(match=f"{PREFIX}:*", count=1000))


def kill_our_connections(client):
    """Close every connection this session's site code has open to Redis, as a Redis
    restart does (the test's own direct clients are not named, so they stay)."""
    killed = 0
    for connection in client.client_list():
        if connection.get("name") == PREFIX:
            killed += client.client_kill_filter(_id=connection["id"])
    return killed


@contextlib.contextmanager
def our_redis(db, purpose):
    """A direct client of Redis database `db` without any key of ours before and after;
    without Redis the test is skipped (fails under CI=true)."""
    client = redis.Redis(host="127.0.0.1", port=6379, db=db, socket_timeout=5)
    try:
        client.ping()
    except redis.ConnectionError:
        missing(f"Redis on 127.0.0.1:6379 for {purpose}")
    forget_our_keys(client)
    try:
        yield client
    finally:
        forget_our_keys(client)
        client.close()


@dataclasses.dataclass
class Backend:
    name: str
    cache: object = None  # a direct client of the cache's Redis database
    buffer: object = None  # a direct client of the view buffer's Redis database

    @property
    def buffers_views(self):
        return self.buffer is not None

    def flush_views(self):
        """Move buffered views to the database, as the flusher does (nothing to do
        without a reachable buffer: views went straight to the database)."""
        return view_buffer.flush() if self.buffers_views else 0

    def lose_everything(self):
        """Everything cached is gone: Django's cache, and Redis as if restarted empty."""
        if self.cache is None:
            cache.clear()
        else:
            forget_our_keys(self.cache)
            forget_our_keys(self.buffer)


def restart_worker():
    """What a freshly started worker knows: no content version, no cached entries, no
    memory of an earlier Redis failure.

    core.caching.reset() covers the caching package, news.view_counts.reset() the view
    buffer's "Redis is down, skip it" mark.
    """
    caching.reset()
    view_buffer.reset()


def use_redis(settings, cache_url, buffer_url):
    settings.REDIS_URL = cache_url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": cache_url,
            "KEY_PREFIX": PREFIX,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.VIEW_BUFFER_URL = buffer_url


def use_local(settings):
    settings.REDIS_URL = ""
    settings.VIEW_BUFFER_URL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@contextlib.contextmanager
def backend(name, settings):
    """Run a test with the cache backend `name` (see the module's docstring)."""
    settings.CACHE_KEY_PREFIX = PREFIX
    settings.VIEW_FLUSH_SECONDS = 0  # flushed by hand: no background thread in tests
    try:
        if name == "local":
            use_local(settings)
            restart_worker()
            yield Backend(name)
        elif name == "redis":
            with (
                our_redis(CACHE_DB, "the shared cache") as cache_client,
                our_redis(BUFFER_DB, "the view buffer") as buffer_client,
            ):
                use_redis(settings, redis_url(CACHE_DB), BUFFER_URL)
                restart_worker()
                yield Backend(name, cache=cache_client, buffer=buffer_client)
        elif name == "redis-down":
            port = free_port()  # nothing listens there
            use_redis(settings, redis_url(CACHE_DB, port), redis_url(BUFFER_DB, port))
            restart_worker()
            yield Backend(name)
        else:
            raise ValueError(name)
    finally:
        restart_worker()


@contextlib.contextmanager
def view_buffer_only(settings):
    """Redis as the view buffer (database 12) only, the cache in local memory; yields a
    direct client of the buffer's database."""
    with backend("redis", settings) as chosen:
        use_local(settings)
        settings.VIEW_BUFFER_URL = BUFFER_URL
        restart_worker()
        yield chosen.buffer


@pytest.fixture
def redis_cache(settings):
    """Redis as the shared cache (database 11) and the view buffer (database 12)."""
    with backend("redis", settings) as chosen:
        yield chosen


@pytest.fixture(params=["local", pytest.param("redis", marks=pytest.mark.redis)])
def cache_up(request, settings):
    with backend(request.param, settings) as chosen:
        yield chosen


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def get(client, path):
    return client.get(path, HTTP_USER_AGENT=READER_UA)


def is_hit(response):
    return response.get("X-Page-Cache") == "hit"


def stored_version():
    return ContentVersion.objects.get(pk=1).version


def cached_pages(client, article):
    """An article's page, its category and the home page, each cached (a hit)."""
    with override("az"):
        paths = [article.get_absolute_url("az"), article.category.get_absolute_url(), "/az/"]
    for path in paths:
        get(client, path)
        assert is_hit(get(client, path)), path
    return paths


@pytest.mark.django_db
def test_the_version_survives_a_cleared_cache_and_a_restarted_worker(cache_up, client):
    article = ArticleFactory()
    cached_pages(client, article)
    version = caching.content_version()
    assert version == stored_version()

    cache_up.lose_everything()
    assert caching.content_version() == version
    restart_worker()  # nothing in memory: the version is read from PostgreSQL again
    assert caching.content_version() == version == stored_version()


@pytest.mark.django_db
@pytest.mark.redis
def test_redis_emptied_never_brings_back_a_stale_page(redis_cache, client):
    article = ArticleFactory(title_az="Köhnə başlıq")
    paths = cached_pages(client, article)
    article.title_az = "Yeni başlıq"
    article.save()

    redis_cache.lose_everything()
    for restarted in (False, True):
        if restarted:
            restart_worker()
        for path in paths:
            text = get(client, path).content.decode()
            assert "Yeni başlıq" in text, (path, restarted)
            assert "Köhnə başlıq" not in text, (path, restarted)


@pytest.mark.django_db
@pytest.mark.redis
def test_redis_restored_with_old_data_never_serves_an_old_page(redis_cache, client):
    """Redis comes back from an old snapshot (or a stale replica takes over): every
    entry it holds is keyed by a version PostgreSQL has moved past."""
    article = ArticleFactory(title_az="Köhnə başlıq")
    paths = cached_pages(client, article)
    snapshot = {key: redis_cache.cache.dump(key) for key in our_keys(redis_cache.cache)}
    assert any(b":shared:page:" in key for key in snapshot)  # pages were in Redis

    article.title_az = "Yeni başlıq"
    article.save()
    for path in paths:
        assert "Yeni başlıq" in get(client, path).content.decode()

    redis_cache.lose_everything()
    for key, value in snapshot.items():
        redis_cache.cache.restore(key, 0, value)
    restart_worker()  # every worker restarts along with Redis
    for path in paths:
        text = get(client, path).content.decode()
        assert "Yeni başlıq" in text, path
        assert "Köhnə başlıq" not in text, path
    assert caching.content_version() == stored_version()


@pytest.mark.django_db
@pytest.mark.redis
def test_shared_fragments_are_shared_between_workers_and_local_ones_are_not(redis_cache):
    shared = Template('{% load fragment_cache %}{% fragment "s" %}{{ value }}{% endfragment %}')
    local = Template(
        '{% load fragment_cache %}{% fragment "l" local %}{{ value }}{% endfragment %}'
    )
    assert shared.render(Context({"value": "first worker"})) == "first worker"
    assert local.render(Context({"value": "first worker"})) == "first worker"
    caching.clear_local()  # another worker: the same Redis, its own memory
    assert shared.render(Context({"value": "second worker"})) == "first worker"
    assert local.render(Context({"value": "second worker"})) == "second worker"


@pytest.mark.django_db
@pytest.mark.redis
@pytest.mark.slow
def test_redis_going_away_and_coming_back_never_shows_an_old_page(settings, client):
    """Pages cached in Redis, then Redis stops answering (the proxy cuts every
    connection): pages still render and show an edit made meanwhile; when Redis is back
    with its old entries, they are never served."""
    with (
        our_redis(SPARE_DB, "a Redis behind a proxy") as direct,
        TcpProxy(target_port=6379) as proxy,
        backend("local", settings),
    ):
        use_redis(settings, redis_url(SPARE_DB, proxy.port), "")
        restart_worker()
        article = ArticleFactory(title_az="Köhnə başlıq")
        paths = cached_pages(client, article)
        assert any(b":shared:page:" in key for key in our_keys(direct))

        proxy.cut()
        assert caching.cache_status() == "degraded"
        article.title_az = "Yeni başlıq"
        article.save()
        for path in paths:
            response = get(client, path)
            assert response.status_code == 200, path
            assert "Yeni başlıq" in response.content.decode(), path

        proxy.restore()
        restart_worker()  # and forget this worker's memory: only Redis has pages now
        assert caching.cache_status() == "ok"
        for path in paths:
            text = get(client, path).content.decode()
            assert "Yeni başlıq" in text, path
            assert "Köhnə başlıq" not in text, path
