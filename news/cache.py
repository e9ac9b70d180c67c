"""Version-keyed caching: one counter that every content change bumps.

Keys include the current version, so a publish, edit, withdrawal or delete makes
every cached fragment and page stale at once, with no timeout to wait for. A cache
that is down never breaks a page: reads miss and writes are dropped.

Scheduled articles change pages without any save: an article whose publication time
arrives starts matching `published()` by itself. So the version also remembers when
the next scheduled article falls due, and the first read after that moment bumps it.
"""

import contextlib
import contextvars
import logging
import random
import threading
import time
from collections import OrderedDict

from django.core.cache import cache
from django.utils import timezone

from news.version_watch import watch

logger = logging.getLogger(__name__)
VERSION_KEY = "content:version"
NEXT_DUE_KEY = "content:next-due"
CHANGED_CHANNEL = "content:changed"
FRAGMENT_TIMEOUT = 24 * 3600
# Fragments are also kept in each process's memory. Safe because a key names its
# content version, so an entry never changes; bounded so memory stays flat.
LOCAL_MAX_ENTRIES = 1024
LOCAL_TTL = 300
_local = OrderedDict()
_local_lock = threading.Lock()

# Within a request the version is looked up once, so every fragment of a page uses the
# same one; outside a request scope every call looks it up afresh. With Redis the
# lookup is this process's watched copy (news.version_watch), not a round trip.
_request_memo = contextvars.ContextVar("content_version_memo", default=None)


@contextlib.contextmanager
def request_scope():
    token = _request_memo.set({})
    try:
        yield
    finally:
        _request_memo.reset(token)


def _next_due():
    """The publication time of the earliest scheduled article, or None."""
    from news.models import Article

    return (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def _read_version():
    # What is filled in here is also kept in the dict, which may be this process's
    # copy of the keys (news.version_watch): found once, not on every request.
    values = _get_version_keys()
    version = values.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        version = values[VERSION_KEY] = cache.get(VERSION_KEY) or 1
    due = values.get(NEXT_DUE_KEY)
    if due is None or due[0] != version:
        due = values[NEXT_DUE_KEY] = (version, _next_due())
        cache.set(NEXT_DUE_KEY, due, timeout=None)
    if due[1] is not None and due[1] <= timezone.now():
        # Only one process bumps for a given due time; the others read the new version.
        if cache.add(f"content:due-bumped:{version}", 1, timeout=300):
            bump_content_version()
        version = cache.get(VERSION_KEY) or version
        cache.set(NEXT_DUE_KEY, (version, _next_due()), timeout=None)
    return version


def _fresh_version():
    """A random start, so a cleared or restarted cache never re-issues a version that a
    process may still hold fragments for in memory."""
    return random.randrange(1, 2**40)


def content_version():
    memo = _request_memo.get()
    if memo is not None and "version" in memo:
        return memo["version"]
    try:
        version = _read_version()
    except Exception:  # a cache outage must not take pages down
        logger.warning("cache unavailable while reading the content version")
        return None
    if memo is not None:
        memo["version"] = version
    return version


# The raw Redis client of the shared cache, one per connection pool. Django's RedisCache
# builds a new client object (with its table of ~170 reply parsers) for every call,
# which costs more CPU than the round trip itself.
_raw_clients = {}
_VERSION_KEYS = (VERSION_KEY, NEXT_DUE_KEY)


def _redis_backend():
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    return backend if isinstance(backend, RedisCache) else None


def _raw_client(backend):
    """(pool, client, the version keys as stored, the channel announcing bumps)."""
    pool = backend._cache._get_connection_pool(write=True)
    found = _raw_clients.get(id(pool))
    if found is None or found[0] is not pool:
        import redis

        client = redis.Redis(connection_pool=pool)
        keys = [backend.make_and_validate_key(key) for key in _VERSION_KEYS]
        # Pub/sub ignores database numbers; the channel's name does not.
        db = pool.connection_kwargs.get("db", 0)
        channel = f"{backend.make_and_validate_key(CHANGED_CHANNEL)}:{db}"
        found = _raw_clients[id(pool)] = (pool, client, keys, channel)
    return found


def _decode(backend, raw):
    loads = backend._cache._serializer.loads
    return {key: loads(value) for key, value in zip(_VERSION_KEYS, raw, strict=True) if value}


def _get_version_keys():
    """The version keys, from Redis only when a bump was announced since the last read
    (news.version_watch); a dict `_read_version` may complete."""
    backend = _redis_backend()
    if backend is None:
        return cache.get_many(list(_VERSION_KEYS))
    pool, client, keys, channel = _raw_client(backend)
    return watch.values(pool, channel, lambda: _decode(backend, client.mget(keys)))


def _announce_bump():
    watch.forget()
    backend = _redis_backend()
    if backend is None:
        return
    _pool, client, _keys, channel = _raw_client(backend)
    client.publish(channel, b"")


def bump_content_version():
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet (a new or cleared cache)
            cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        _announce_bump()
    except Exception:
        logger.warning("cache unavailable while bumping the content version")


def _local_get(key):
    entry = _local.get(key)
    if entry is None or entry[1] < time.monotonic():
        return None
    # Least recently used first out: a stream of one-off entries (new searches) must
    # not push out the pieces every page uses.
    with contextlib.suppress(KeyError):
        _local.move_to_end(key)
    return entry[0]


def _local_set(key, value, timeout):
    with _local_lock:
        _local[key] = (value, time.monotonic() + min(timeout, LOCAL_TTL))
        while len(_local) > LOCAL_MAX_ENTRIES:
            _local.popitem(last=False)


def clear_local():
    with _local_lock:
        _local.clear()


def cached_locally(name, build, ttl=None):
    """Like `cached`, in this process's memory only: for small, many, cheap-to-build
    fragments (one line per article) where a shared-cache round trip would cost more
    than building."""
    version = content_version()
    if version is None:
        return build()
    key = f"fragment:{version}:{name}"
    value = _local_get(key)
    if value is None:
        value = build()
        _local_set(key, value, ttl or LOCAL_TTL)
    return value


def cached(name, build, timeout=FRAGMENT_TIMEOUT):
    """`build()` memoised under `name` for the current content version.

    Looked up in this process's memory first, then in the shared cache, then built.
    """
    version = content_version()
    if version is None:
        return build()
    key = f"fragment:{version}:{name}"
    value = _local_get(key)
    if value is not None:
        return value
    try:
        value = shared_get(key)
    except Exception:
        value = None
    if value is None:
        value = build()
        try:
            shared_set(key, value, timeout)
        except Exception:
            logger.warning("cache unavailable while storing %s", name)
    _local_set(key, value, timeout)
    return value


# cache.get() and cache.set() through the raw client, for the reason given at
# _raw_client: the same keys and encoding, so either side reads what the other wrote.
def shared_get(key):
    backend = _redis_backend()
    if backend is None:
        return cache.get(key)
    _pool, client, _keys, _channel = _raw_client(backend)
    raw = client.get(backend.make_and_validate_key(key))
    return None if raw is None else backend._cache._serializer.loads(raw)


def shared_set(key, value, timeout):
    backend = _redis_backend()
    if backend is None:
        cache.set(key, value, timeout)
        return
    _pool, client, _keys, _channel = _raw_client(backend)
    client.set(
        backend.make_and_validate_key(key),
        backend._cache._serializer.dumps(value),
        ex=backend.get_backend_timeout(timeout),
    )
