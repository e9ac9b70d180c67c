"""The cache every worker shares: Redis when REDIS_URL is set, else Django's default cache.

Fragments and whole pages go through here. A Redis that is down, cut or slow never
breaks a page: a read misses, a write is dropped, and after a failure Redis is left
alone for RETRY_SECONDS instead of costing every request a time-out.

Why a client of our own rather than `django.core.cache.cache`: Django's RedisCache
builds a new redis-py client object for every call, which costs more CPU than the
round trip itself on the page cache's fast path. This module keeps one client per
process (redis-py's pool is safe across a fork) and encodes values with pickle, as
Django does.
"""

import logging
import pickle
import threading
import time

import redis
from django.conf import settings
from django.core.cache import cache
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

RETRY_SECONDS = 2.0

_state = {"url": None, "client": None, "down_until": 0.0}
_lock = threading.Lock()


def _client():
    url = settings.REDIS_URL
    if not url:
        return None
    if _state["url"] != url or _state["client"] is None:
        with _lock:
            _state["client"] = redis.Redis.from_url(
                url,
                socket_connect_timeout=0.5,
                socket_timeout=0.5,
                # One try: a cache that does not answer at once is treated as absent.
                retry=Retry(NoBackoff(), 0),
                health_check_interval=30,
            )
            _state["url"] = url
            _state["down_until"] = 0.0
    return _state["client"]


def _key(key):
    return f"{settings.CACHE_KEY_PREFIX}:shared:{key}"


def _usable():
    return time.monotonic() >= _state["down_until"]


def _failed(action, error):
    _state["down_until"] = time.monotonic() + RETRY_SECONDS
    logger.warning("shared cache unavailable while %s: %s", action, error)


def get(key):
    """The value stored under `key`, or None (also when the cache is unreachable)."""
    client = _client()
    if client is None:
        return cache.get(_key(key))
    if not _usable():
        return None
    try:
        raw = client.get(_key(key))
    except Exception as error:
        _failed("reading", error)
        return None
    if raw is None:
        return None
    try:
        return pickle.loads(raw)  # noqa: S301 (our own entries)
    except Exception as error:
        # An entry this code cannot read (written by another release whose classes have
        # moved or changed, or damaged) is a miss: the caller builds it and stores it
        # again, instead of every page that reads it failing until it ages out.
        logger.warning("shared cache entry %s unreadable, treated as missing: %r", key, error)
        return None


def set(key, value, timeout):
    client = _client()
    if client is None:
        cache.set(_key(key), value, timeout)
        return
    if not _usable():
        return
    try:
        client.set(_key(key), pickle.dumps(value, pickle.HIGHEST_PROTOCOL), ex=int(timeout))
    except Exception as error:
        _failed("storing", error)


def incr(key, timeout):
    """Add one to a counter that lives `timeout` seconds from its first count: the new
    value, or None when the cache cannot say."""
    client = _client()
    if client is None:
        cache.add(_key(key), 0, timeout)
        try:
            return cache.incr(_key(key))
        except ValueError:
            return None
    if not _usable():
        return None
    try:
        pipe = client.pipeline(transaction=False)
        pipe.incr(_key(key))
        pipe.expire(_key(key), int(timeout), nx=True)
        return pipe.execute()[0]
    except Exception as error:
        _failed("counting", error)
        return None


def status():
    """ "ok", "degraded" (configured but not answering) or "local" (no Redis configured)."""
    client = _client()
    if client is None:
        return "local"
    try:
        client.ping()
    except Exception as error:
        _failed("checking", error)
        return "degraded"
    _state["down_until"] = 0.0
    return "ok"


def reset():
    """Forget the client and any failure (tests, after changing REDIS_URL)."""
    with _lock:
        _state.update(url=None, client=None, down_until=0.0)
