"""A Redis database to itself for a test: emptied before and after; without Redis the test
is skipped, or fails under CI=true (tests.services.missing)."""

import contextlib

import redis

from tests.services import missing


@contextlib.contextmanager
def empty_redis(url, purpose):
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError:
        missing(f"Redis at {url} for {purpose}")
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
