"""Pieces of pages kept per content version: in this worker's memory, and shared.

`cached` looks in this worker's memory first, then in the shared cache, then builds.
`cached_locally` keeps memory only: for small, many, cheap-to-build pieces (one line per
article) where a shared-cache round trip would cost more than building. Either way the
key names the content version, so an entry never changes and never outlives it.
"""

from django.conf import settings

from core.caching import shared
from core.caching.memory import LRU
from core.caching.version import content_version

FRAGMENT_TIMEOUT = 24 * 3600
LOCAL_TTL = 300

local = LRU(max_entries=getattr(settings, "FRAGMENT_MEMORY_ENTRIES", 1024), ttl=LOCAL_TTL)


def cached(name, build, timeout=FRAGMENT_TIMEOUT):
    """`build()` memoised under `name` for the current content version."""
    return _memoised(name, build, timeout, shared_too=True)


def cached_locally(name, build, ttl=None):
    """Like `cached`, in this worker's memory only (at most `ttl` seconds old)."""
    return _memoised(name, build, ttl or LOCAL_TTL, shared_too=False)


def _memoised(name, build, timeout, *, shared_too):
    version = content_version()
    if version is None:
        return build()
    key = f"fragment:{version}:{name}"
    value = local.get(key)
    if value is not None:
        return value
    value = shared.get(key) if shared_too else None
    if value is None:
        value = build()
        if shared_too:
            shared.set(key, value, timeout)
    local.set(key, value, timeout)
    return value
