"""Version-keyed caching: one counter that every content change bumps.

Keys include the current version, so a publish, edit, withdrawal or delete makes
every cached fragment and page stale at once, with no timeout to wait for. A cache
that is down never breaks a page: reads miss and writes are dropped.
"""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)
VERSION_KEY = "content:version"
FRAGMENT_TIMEOUT = 24 * 3600


def content_version():
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, 1, timeout=None)
            version = cache.get(VERSION_KEY) or 1
        return version
    except Exception:  # a cache outage must not take pages down
        logger.warning("cache unavailable while reading the content version")
        return None


def bump_content_version():
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
