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

logger = logging.getLogger(__name__)
VERSION_KEY = "content:version"
NEXT_DUE_KEY = "content:next-due"
FRAGMENT_TIMEOUT = 24 * 3600
# Fragments are also kept in each process's memory. Safe because a key names its
# content version, so an entry never changes; bounded so memory stays flat.
LOCAL_MAX_ENTRIES = 1024
LOCAL_TTL = 300
_local = OrderedDict()
_local_lock = threading.Lock()

# Within a request the version is read once (one cache round trip per page, not one
# per fragment); outside a request scope every call reads it afresh.
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


def _read_version(values=None):
    if values is None:
        values = cache.get_many([VERSION_KEY, NEXT_DUE_KEY])
    version = values.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(VERSION_KEY) or 1
    due = values.get(NEXT_DUE_KEY)
    if due is None or due[0] != version:
        due = (version, _next_due())
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


def shares_redis_with(url):
    """The raw Redis client of the shared cache, if it is the Redis database at `url`
    (so commands for both can go in one round trip), else None."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if not url or not isinstance(backend, RedisCache) or backend._servers != [url]:
        return None
    return backend._cache.get_client(write=True)


def content_version_with(redis_client, add_commands):
    """The content version, read in the same Redis pipeline as `add_commands(pipe)`.

    One round trip for both: the article page served from the page cache reads the
    version and counts its view together. Returns (version, the results of the added
    commands). The version is memoised for the request like `content_version()`.
    """
    keys = [VERSION_KEY, NEXT_DUE_KEY]
    pipe = redis_client.pipeline(transaction=False)
    pipe.mget([cache.make_and_validate_key(key) for key in keys])
    add_commands(pipe)
    raw, *added = pipe.execute()
    loads = cache._cache._serializer.loads
    values = {key: loads(value) for key, value in zip(keys, raw, strict=True) if value is not None}
    version = _read_version(values)
    memo = _request_memo.get()
    if memo is not None:
        memo["version"] = version
    return version, added


def bump_content_version():
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
    except Exception:
        logger.warning("cache unavailable while bumping the content version")


def _local_get(key):
    entry = _local.get(key)
    if entry is None or entry[1] < time.monotonic():
        return None
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
        value = cache.get(key)
    except Exception:
        value = None
    if value is None:
        value = build()
        try:
            cache.set(key, value, timeout)
        except Exception:
            logger.warning("cache unavailable while storing %s", name)
    _local_set(key, value, timeout)
    return value
