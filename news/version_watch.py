"""This process's copy of the content version, kept current by Redis pub/sub.

Why: every page is keyed by the content version (news.cache), so every request needs
it. Reading it from Redis costs a round trip per request, and on the whole-page
cache's fast path that round trip was most of the cost of a page. Here each process
subscribes once to a channel on which every bump is announced, keeps the version
keys in memory, and per request only asks its own socket, without waiting, whether
an announcement has arrived. If one has, or if the subscription is new or broken,
it reads the keys from Redis as before.

Why a bump is seen "at once": the bumping process announces it right after the
increment, before its own request answers, and Redis writes the announcement to
every subscriber's socket in the same pass as the publisher's reply. Any request that
starts after the editor's save has answered therefore finds the announcement waiting
on its socket. The process that bumps also forgets its own copy at once.

Nothing stale is served when the subscription breaks: a connection that fails or
closes drops the copy, the version is read from Redis per request again, and a new
subscription is tried every few seconds (subscribe first, then read, so no
announcement falls between the two).
"""

import logging
import os
import threading
import time

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5


class VersionWatch:
    def __init__(self):
        self._lock = threading.Lock()
        self._pid = None
        self._pool = None
        self._connection = None
        self._values = None
        self._retry_at = 0.0

    def values(self, pool, channel, read):
        """The version keys: this process's copy when it is known to be current, else
        `read()` (a Redis round trip), which then becomes the copy. Bumps are announced
        on `channel` of the Redis server behind `pool`."""
        with self._lock:
            if self._pid != os.getpid() or self._pool is not pool:
                self._reset(pool)  # a forked child, or another cache's pool
            if self._connection is None and time.monotonic() >= self._retry_at:
                self._subscribe(pool, channel)
            if self._connection is not None and self._announced():
                self._values = None
            if self._values is not None:
                return self._values
            values = read()
            if self._connection is not None:
                self._values = values
            return values

    def forget(self):
        """Drop the copy: this process has just changed the version."""
        with self._lock:
            self._values = None

    def _reset(self, pool):
        if self._connection is not None and self._pid == os.getpid():
            self._connection.disconnect()
        self._pid = os.getpid()
        self._pool = pool
        self._connection = None
        self._values = None
        self._retry_at = 0.0

    def _subscribe(self, pool, channel):
        connection = pool.connection_class(
            **{**pool.connection_kwargs, "socket_connect_timeout": 0.25, "socket_timeout": 0.5}
        )
        try:
            connection.connect()
            connection.send_command("SUBSCRIBE", channel)
            connection.read_response(push_request=True)  # the confirmation (RESP3: a push)
        except Exception as error:
            connection.disconnect()
            self._retry_at = time.monotonic() + RETRY_SECONDS
            logger.warning("cannot watch the content version, reading it per request: %s", error)
            return
        self._connection = connection
        self._values = None

    def _announced(self):
        """Whether anything arrived on the subscription (drained here); a broken one
        counts as an announcement and is dropped."""
        arrived = False
        try:
            while self._connection.can_read(timeout=0):
                self._connection.read_response(push_request=True)
                arrived = True
        except Exception as error:
            self._connection.disconnect()
            self._connection = None
            self._retry_at = time.monotonic() + RETRY_SECONDS
            logger.warning("lost the content-version watch, reading it per request: %s", error)
            return True
        return arrived


watch = VersionWatch()
