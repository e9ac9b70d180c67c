"""Read replicas: anonymous reading requests read from a PostgreSQL replica, everything else
from the primary.

With DATABASE_REPLICA_URL set (portal/settings.py), a GET or HEAD without a session cookie
reads from the `replica` database: pages, listings, search, feeds. Writes always go to the
primary (`default`), and so do all reads of a request with a session (an editor sees what
they just saved), of any other method, and inside a transaction (read, then write).

A replica runs a little behind the primary. Cached fragments and pages are keyed by the
content version this worker read from the primary (core.caching.version), so a page built
from a replica that has not yet replayed that version would be cached under the new
version with old content, until the next change. So before a request reads from the
replica, the replica's own copy of the version is compared with the one this worker
knows: only a replica that has caught up is used; otherwise the request reads from the
primary. Versions only grow, so the highest version the replica has shown is remembered
and a replica that has already shown it costs no query. A replica that does not answer is
skipped the same way.

The view counter stays exact: counting writes to the primary (or the Redis buffer); an
article page read from a replica may show a count that is behind by the replica's lag.
"""

import contextvars
import logging
import threading

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from core.caching.version import TABLE, content_version

logger = logging.getLogger(__name__)

REPLICA = "replica"
_reading_replica = contextvars.ContextVar("reading_replica", default=False)
# The highest content version the replica has shown this worker.
_replica_seen = {"version": None}
_seen_lock = threading.Lock()


class ReplicaRouter:
    """Reads of an anonymous reading request go to the replica (ReplicaMiddleware decides);
    every write, and every read inside a transaction, to the primary."""

    def db_for_read(self, model, **hints):
        if _reading_replica.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Migrations run on the primary; a physical replica replays them.
        return db == DEFAULT_DB_ALIAS


def replica_version():
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(f"SELECT version FROM {TABLE} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else 0


def replica_is_current():
    """Whether the replica has replayed the content version this worker keys pages by."""
    wanted = content_version()
    if wanted is None:
        return False
    seen = _replica_seen["version"]
    if seen is not None and seen >= wanted:
        return True
    try:
        version = replica_version()
    except DatabaseError as error:
        logger.warning("the read replica does not answer; reading from the primary: %s", error)
        return False
    with _seen_lock:
        if _replica_seen["version"] is None or version > _replica_seen["version"]:
            _replica_seen["version"] = version
    return version >= wanted


def forget():
    """Drop what this worker knows of the replica (tests)."""
    _replica_seen["version"] = None


def is_anonymous_read(request):
    if request.method not in ("GET", "HEAD"):
        return False
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


class ReplicaMiddleware:
    """Marks an anonymous reading request as one the replica may serve (after the page
    cache: a cached page reads no database at all)."""

    def __init__(self, get_response):
        if REPLICA not in settings.DATABASES:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        if not (is_anonymous_read(request) and replica_is_current()):
            return self.get_response(request)
        token = _reading_replica.set(True)
        try:
            return self.get_response(request)
        finally:
            _reading_replica.reset(token)
