"""View counts buffered in Redis and flushed to PostgreSQL in the background.

Why: every counted view used to be an UPDATE of the article's row. Readers of one
popular article then queue behind that row's lock and each pays a commit. Here a view
is one HINCRBY in Redis; a flusher moves the counts to the database every few seconds
in one statement per batch.

Nothing is lost when a worker dies, because the counts live in Redis, not in the
worker: a flush first RENAMEs the pending hash to a batch key of its own (atomic, so
no increment lands between reading and clearing), writes the batch to PostgreSQL
together with a ViewFlush row naming it, and only then deletes the batch key. A
flusher that dies midway leaves its batch key behind; any later flush picks up batch
keys older than ORPHAN_SECONDS, and the ViewFlush row makes a batch that was already
written count once. When Redis is down, views go straight to the database
(news.view_counts.store) and nothing waits for Redis to come back.

At most once: when Redis takes an HINCRBY but its answer is lost (a time-out, a cut
connection), `add` says UNKNOWN and the caller does not count the view again. A view
is written to the database instead only when the command never left this process.
"""

import datetime
import logging
import os
import threading
import time
import uuid

import redis
from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from redis.backoff import NoBackoff
from redis.retry import Retry

from news.models import ViewFlush
from news.view_counts.store import record_many

logger = logging.getLogger(__name__)

ORPHAN_SECONDS = 60
# After a Redis failure, skip Redis for this long instead of paying a timeout per view.
RETRY_AFTER_SECONDS = 5

_clients = {}
_state = {"down_until": 0.0, "flusher": None}
_lock = threading.Lock()


def enabled():
    return bool(getattr(settings, "VIEW_BUFFER_URL", ""))


def _prefix():
    return f"{getattr(settings, 'CACHE_KEY_PREFIX', 'portal')}:views"


def pending_key():
    return f"{_prefix()}:pending"


def _batch_prefix():
    return f"{_prefix()}:batch:"


def client():
    url = settings.VIEW_BUFFER_URL
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(
            url,
            socket_connect_timeout=0.25,
            socket_timeout=0.5,
            health_check_interval=30,
            # No retries: a retried HINCRBY whose first answer was lost counts twice.
            retry=Retry(NoBackoff(), 0),
        )
    return _clients[url]


def _usable():
    return enabled() and time.monotonic() >= _state["down_until"]


def _mark_down(error):
    _state["down_until"] = time.monotonic() + RETRY_AFTER_SECONDS
    logger.warning("view buffer unavailable, counting in the database: %s", error)


# The pending hash carries a name of its own, set by its first view: a flush records it
# (ViewFlush), so a pending hash that comes back with an old Redis snapshot is known as
# already written and is not counted again.
GENERATION_FIELD = "generation"


def _commands(field):
    return [
        ("HSETNX", pending_key(), GENERATION_FIELD, uuid.uuid4().hex),
        ("HINCRBY", pending_key(), field, 1),
    ]


# What `add` can say besides the pending count.
NOT_SENT = "not sent"  # the command never reached Redis: count the view elsewhere
UNKNOWN = "unknown"  # Redis may have applied it: do not count it again


def add(article_id, day=None):
    """Buffer one view; the article's pending count, NOT_SENT or UNKNOWN."""
    if not _usable():
        return NOT_SENT
    day = day or timezone.localdate()
    pool = client().connection_pool
    try:
        connection = pool.get_connection()
    except Exception as error:  # could not connect: nothing was sent
        _mark_down(error)
        return NOT_SENT
    try:
        try:
            connection.send_packed_command(
                connection.pack_commands(_commands(f"{article_id}:{day}"))
            )
        except Exception as error:  # not written whole: Redis runs no partial command
            connection.disconnect()
            _mark_down(error)
            return NOT_SENT
        try:
            connection.read_response()  # the generation's HSETNX
            pending = int(connection.read_response())
        except Exception as error:
            connection.disconnect()
            _mark_down(error)
            return UNKNOWN
    finally:
        pool.release(connection)
    start_flusher()
    return pending


class _Sender:
    """One connection per process on which views are sent without waiting for an
    answer (`CLIENT REPLY OFF`): for pages served from the page cache, which show the
    count they were made with and need no answer from Redis."""

    def __init__(self):
        self.lock = threading.Lock()
        self.owner = None
        self.connection = None

    def send(self, field):
        with self.lock:
            for attempt in range(2):
                try:
                    connection = self._connection()
                    # With replies off, the socket is readable only when Redis has
                    # closed it: then this view goes over a new connection instead.
                    if connection.can_read(timeout=0):
                        raise ConnectionError("unexpected data from Redis")
                    connection.send_packed_command(connection.pack_commands(_commands(field)))
                    return
                except Exception:
                    self._drop()
                    if attempt:
                        raise

    def settle(self):
        """Wait until Redis has applied every view sent so far (asks for one answer)."""
        with self.lock:
            if self.connection is None or self.owner != self._owner():
                return
            try:
                self.connection.send_command("CLIENT", "REPLY", "ON")
                self.connection.read_response()
                self.connection.send_command("CLIENT", "REPLY", "OFF")
            except Exception:
                self._drop()

    @staticmethod
    def _owner():
        return (os.getpid(), settings.VIEW_BUFFER_URL)

    def _connection(self):
        if self.owner != self._owner():
            # Never a parent process's socket, nor one to a buffer no longer configured.
            self.owner, self.connection = self._owner(), None
        if self.connection is None:
            pool = client().connection_pool
            # No health checks: their PING would wait for an answer that never comes.
            connection = pool.connection_class(
                **{**pool.connection_kwargs, "health_check_interval": 0}
            )
            connection.connect()
            connection.send_command("CLIENT", "REPLY", "OFF")
            self.connection = connection
        return self.connection

    def close(self):
        with self.lock:
            self._drop()

    def _drop(self):
        if self.connection is not None:
            self.connection.disconnect()
        self.connection = None


_sender = _Sender()


def send(article_id):
    """Buffer one view without waiting for Redis: True once it is on its way, False if
    the buffer cannot take it (the caller counts it another way).

    Nothing is lost when this worker dies right after: the command has left the
    process (it sits in the kernel's socket buffer or already in Redis's), and with
    replies off nothing unread stays behind that would make the kernel reset the
    connection instead of delivering it. A view is as safe here as in the buffer
    itself, which lives in Redis.
    """
    if not _usable():
        return False
    try:
        _sender.send(f"{article_id}:{timezone.localdate().isoformat()}")
    except Exception as error:
        _mark_down(error)
        return False
    start_flusher()
    return True


def settle():
    """Wait until Redis has applied every view this process has sent (see `send`)."""
    _sender.settle()


def pending_for(article_id, day=None):
    """Views of `article_id` on `day` waiting in the buffer (0 when there is none)."""
    if not _usable():
        return 0
    day = day or timezone.localdate()
    try:
        return int(client().hget(pending_key(), f"{article_id}:{day.isoformat()}") or 0)
    except Exception as error:
        _mark_down(error)
        return 0


def flush(orphan_seconds=None):
    """Write every buffered count to the database; returns how many views it wrote.

    Batches left by a dead flusher are taken once they are `orphan_seconds` old
    (ORPHAN_SECONDS unless given)."""
    if not enabled():
        return 0
    settle()  # views this process sent a moment ago go into this flush, not the next one
    redis_client = client()
    batch = f"{_batch_prefix()}{int(time.time())}:{uuid.uuid4().hex}"
    try:
        redis_client.rename(pending_key(), batch)
        batches = [batch]
    except Exception as error:
        if "no such key" not in str(error).lower():
            raise
        batches = []
    age = ORPHAN_SECONDS if orphan_seconds is None else orphan_seconds
    batches += _orphans(redis_client, exclude=batch, age=age)
    return sum(_write_batch(redis_client, key) for key in batches)


def _orphans(redis_client, exclude, age):
    """Batch keys left by flushers that died before finishing them."""
    cutoff = time.time() - age
    found = []
    for raw in redis_client.scan_iter(match=f"{_batch_prefix()}*", count=100):
        key = raw.decode()
        if key == exclude:
            continue
        try:
            started = int(key[len(_batch_prefix()) :].split(":", 1)[0])
        except ValueError:
            continue
        if started < cutoff:
            found.append(key)
    return found


def _write_batch(redis_client, key):
    fields = redis_client.hgetall(key)
    generation = fields.pop(GENERATION_FIELD.encode(), None)
    name = generation.decode() if generation else key.rsplit(":", 1)[-1]
    counts = {}
    for field, value in fields.items():
        article_id, day = field.decode().split(":", 1)
        counts[(int(article_id), day)] = int(value)
    written = 0
    if counts:
        try:
            with transaction.atomic():
                # Inside the transaction: a second flusher of the same batch waits on
                # this unique row, then finds it and adds nothing.
                _, created = ViewFlush.objects.get_or_create(batch=name)
                if created:
                    record_many(counts)
                    written = sum(counts.values())
        except IntegrityError:
            written = 0
    redis_client.delete(key)
    return written


def reset():
    """Forget a failure and the sending connection (tests, after changing the buffer)."""
    _state["down_until"] = 0.0
    _sender.close()


def prune(days=2):
    """Forget flushed batch names once no orphan could be that old."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    return ViewFlush.objects.filter(flushed_at__lt=cutoff).delete()[0]


def start_flusher():
    """One background flusher thread per process, started by the first buffered view."""
    if _state["flusher"] is not None and _state["flusher"].is_alive():
        return
    with _lock:
        if _state["flusher"] is not None and _state["flusher"].is_alive():
            return
        interval = getattr(settings, "VIEW_FLUSH_SECONDS", 5)
        if interval <= 0:
            return
        thread = threading.Thread(
            target=_flush_forever, args=(interval,), name="view-flusher", daemon=True
        )
        _state["flusher"] = thread
        thread.start()


def _flush_forever(interval):
    last_prune = 0.0
    while True:
        time.sleep(interval)
        try:
            flush()
            if time.monotonic() - last_prune > 3600:
                prune()
                last_prune = time.monotonic()
        except Exception:
            logger.exception("flushing buffered views failed; they stay in Redis")
        finally:
            close_old_connections()
