"""The content version: one number that every content change moves forward.

PostgreSQL holds it (core.models.ContentVersion), bumped in the same transaction as the
change, so a committed change always comes with its new version and a rolled-back one
never does. Every cached fragment and page names the version it was made for; a change
makes them all miss at once, with no time-out to wait for.

Each worker keeps the version in memory and reads it again from the database at most
every CONTENT_VERSION_TTL seconds (one single-row query). A change committed by this
worker is adopted at once; one committed elsewhere (another worker, another server) is
seen within that time. Redis plays no part in it: whatever Redis does (down, cut, slow,
restarted empty, restored with old data), no reader waits for a stale version to age
out, because the version never comes from Redis.

On PostgreSQL the number comes from a sequence, which never hands out a value twice,
even after a rollback: a key made for a rolled-back version is never asked for again.

Scheduled changes: an article whose publication time arrives changes pages without any
save. Apps register when their next such moment is (`register_schedule`); the row keeps
the earliest, and the first reader after it bumps the version (one worker wins).
"""

import contextlib
import contextvars
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.dispatch import Signal
from django.utils import timezone

logger = logging.getLogger(__name__)

TABLE = "core_contentversion"
SEQUENCE = "core_contentversion_seq"

# Sent after a bump has committed (and by this worker only): for work that should be
# done for the new version before a reader asks, such as building shared fragments.
version_committed = Signal()

_schedules = []
_known = {"version": None, "next_due": None, "read_at": float("-inf")}
_known_lock = threading.Lock()
# A bump not yet committed, per thread: only the thread that made it may use it.
_pending = threading.local()

# Within a request the version is looked up once, so every fragment of a page uses the
# same one; outside a request scope every call looks it up.
_request_memo = contextvars.ContextVar("content_version_memo", default=None)


@contextlib.contextmanager
def request_scope():
    token = _request_memo.set({})
    try:
        yield
    finally:
        _request_memo.reset(token)


def register_schedule(next_due):
    """`next_due()` returns when content next changes by itself (a scheduled
    publication), or None. Called in the bumping transaction."""
    _schedules.append(next_due)


def _ttl():
    return getattr(settings, "CONTENT_VERSION_TTL", 2.0)


def _next_due():
    moments = [moment for moment in (schedule() for schedule in _schedules) if moment]
    return min(moments) if moments else None


def _read_row():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version, next_due FROM {TABLE} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row if row is not None else (0, None)


def _write_row(*, expected=None):
    """Move the version forward in the current transaction; the new version, or None
    when `expected` is given and another worker moved it first."""
    next_due = _next_due()
    now = timezone.now()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            new_value = f"nextval('{SEQUENCE}')"
        else:  # SQLite, the zero-setup demo: one process, no sequence
            new_value = f"COALESCE((SELECT version FROM {TABLE} WHERE id = 1), 0) + 1"  # noqa: S608
        if expected is None:
            cursor.execute(
                f"INSERT INTO {TABLE} (id, version, next_due, changed_at) "  # noqa: S608
                f"VALUES (1, {new_value}, %s, %s) "
                "ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, "
                "next_due = EXCLUDED.next_due, changed_at = EXCLUDED.changed_at "
                "RETURNING version",
                [next_due, now],
            )
        else:
            cursor.execute(
                f"UPDATE {TABLE} SET version = {new_value}, next_due = %s, "  # noqa: S608
                "changed_at = %s WHERE id = 1 AND version = %s RETURNING version",
                [next_due, now, expected],
            )
        row = cursor.fetchone()
    return (row[0], next_due) if row else None


def _adopt(version, next_due):
    """Take `version` as read now. Versions only grow: a read that started before this
    worker adopted its own newer commit must not take it back."""
    with _known_lock:
        _known["read_at"] = time.monotonic()
        if _known["version"] is None or version >= _known["version"]:
            _known.update(version=version, next_due=next_due)


def _refresh():
    try:
        version, next_due = _read_row()
    except DatabaseError as error:
        # Nothing can be committed while the database is away, so the version this
        # worker knows is still the truth: keep serving cached pages by it.
        logger.warning("cannot read the content version: %s", error)
        with _known_lock:
            _known["read_at"] = time.monotonic()
        return _known["version"], _known["next_due"]
    _adopt(version, next_due)
    return _known["version"], _known["next_due"]


def _pending_version():
    """(version, next_due) of this thread's uncommitted bump, or None."""
    pending = getattr(_pending, "bump", None)
    if pending is None:
        return None
    if connection.in_atomic_block:
        return pending
    _pending.bump = None  # committed (and adopted) or rolled back
    return None


def _due_bump(version):
    """The version after a scheduled moment has passed: one worker bumps, the others
    find the row moved and read it."""
    try:
        bumped = _write_row(expected=version)
    except DatabaseError as error:
        logger.warning("cannot bump the content version for a scheduled change: %s", error)
        return version
    if bumped is None:
        return _refresh()[0]
    _record(*bumped)
    return bumped[0]


def content_version():
    """The version to key cached content by, or None when caching must be skipped."""
    memo = _request_memo.get()
    if memo is not None and "version" in memo:
        return memo["version"]
    pending = _pending_version()
    if pending is not None:
        version, next_due = pending
    else:
        version, next_due = _known["version"], _known["next_due"]
        if version is None or time.monotonic() - _known["read_at"] >= _ttl():
            version, next_due = _refresh()
    if next_due is not None and version is not None and next_due <= timezone.now():
        version = _due_bump(version)
    if memo is not None:
        memo["version"] = version
    return version


def bump():
    """Record a content change: in the current transaction, so the version and the
    change commit (or roll back) together. Raises when the database cannot take it,
    and so fails the change with it."""
    version, next_due = _write_row()
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()
    _record(version, next_due)
    return version


def _record(version, next_due):
    """This worker uses a new version: at once in the thread whose transaction made it,
    everywhere in the worker once it commits."""
    if connection.in_atomic_block:
        _pending.bump = (version, next_due)
        transaction.on_commit(lambda: _after_commit(version, next_due))
    else:
        _after_commit(version, next_due)


def _after_commit(version, next_due):
    _adopt(version, next_due)
    try:
        version_committed.send(sender=None, version=version)
    except Exception:  # the change is saved: a reader will build what is missing
        logger.exception("a receiver of version_committed failed")


def forget():
    """Drop what this worker knows (tests; after restoring a database)."""
    with _known_lock:
        _known.update(version=None, next_due=None, read_at=float("-inf"))
    _pending.bump = None
