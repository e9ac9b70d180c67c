"""Caching, in one place: the content version, fragments, whole pages, worker memory.

The contract (docs/caching.md):
- PostgreSQL holds the content version; every registered content change moves it in
  the change's own transaction (`watch_models`, `bump`).
- Everything cached is keyed by the version it was made for, so nothing outlives it.
- Redis (or Django's default cache without Redis) only holds entries; losing it loses
  speed, never correctness.
"""

from core.caching import shared
from core.caching.changes import watch_models
from core.caching.fragments import cached, cached_locally
from core.caching.fragments import local as _fragments_in_memory
from core.caching.memory import LRU
from core.caching.pages import PageCacheMiddleware, query_params, register_hit_handler
from core.caching.pages import local as _pages_in_memory
from core.caching.version import (
    bump,
    content_version,
    forget,
    register_schedule,
    request_scope,
    version_committed,
)

__all__ = [
    "LRU",
    "PageCacheMiddleware",
    "bump",
    "cache_status",
    "cached",
    "cached_locally",
    "clear_local",
    "content_version",
    "query_params",
    "register_hit_handler",
    "register_schedule",
    "request_scope",
    "reset",
    "version_committed",
    "watch_models",
]


def cache_status():
    """ "ok", "degraded" (Redis configured but not answering) or "local" (no Redis)."""
    return shared.status()


def clear_local():
    """Empty this worker's memory of fragments and pages."""
    _fragments_in_memory.clear()
    _pages_in_memory.clear()


def reset():
    """Forget everything this worker holds: memory, the version, the Redis client."""
    clear_local()
    forget()
    shared.reset()
