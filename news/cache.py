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

from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)
VERSION_KEY = "content:version"
NEXT_DUE_KEY = "content:next-due"
FRAGMENT_TIMEOUT = 24 * 3600

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


def _read_version():
    values = cache.get_many([VERSION_KEY, NEXT_DUE_KEY])
    version = values.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
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


def bump_content_version():
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, 2, timeout=None)
    except Exception:
        logger.warning("cache unavailable while bumping the content version")


def cached(name, build, timeout=FRAGMENT_TIMEOUT):
    """`build()` memoised under `name` for the current content version."""
    version = content_version()
    if version is None:
        return build()
    key = f"fragment:{version}:{name}"
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
    return value
