"""A Redis database to itself for a test: emptied before and after, skipped without Redis."""

import contextlib

import pytest
import redis


@contextlib.contextmanager
def empty_redis(url, purpose):
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"needs Redis at {url} for {purpose}")
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
