"""View counts are at most once (news.view_counts): a view is never counted twice, whatever
Redis does, and when Redis answers or is plainly away, every view counts exactly once.

The uncertain edge: Redis applied the HINCRBY but its reply never arrives. The view is
then not written to the database as well. A proxy that forwards every command to Redis
but keeps Redis's replies back from the first HINCRBY on makes that edge happen for real.

Redis database 12 on 127.0.0.1:6379 holds the buffer, under a key prefix of this test
session's own (tests/test_cache_redis.py).
"""

import select
import socket
import time

import pytest
from django.utils import timezone

from news.models import Article, DailyViews
from news.view_counts import buffer as view_buffer
from tests import test_cache_redis as backends
from tests.conftest import READER_UA
from tests.factories import ArticleFactory
from tests.ops_support import TcpProxy, free_port

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

VIEWS = 6


class ReplyWithholdingProxy(TcpProxy):
    """Forwards every byte to Redis, and Redis's replies back until the client sends an
    HINCRBY on that connection: from then on the replies on it are kept back (counted in
    `withheld`), longer than any client time-out. Redis has applied the command; the
    client never hears so."""

    def __init__(self, target_port):
        super().__init__(target_port)
        self.withheld = 0

    def _pump(self, a, b):
        withholding = False
        try:
            while not self._stop.is_set():
                readable, _, _ = select.select([a, b], [], [], 0.5)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    if sock is a:
                        withholding = withholding or b"HINCRBY" in data
                        b.sendall(data)
                    elif withholding:
                        self.withheld += 1
                    else:
                        a.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for sock in (a, b):
                sock.close()


@pytest.fixture
def buffer(settings):
    """The view buffer on database 12 (a direct client of it); the cache is local."""
    with backends.view_buffer_only(settings) as client:
        yield client


@pytest.fixture
def article():
    return ArticleFactory(view_count=0, title_az="Oxunan xəbər")


def view(client, article):
    response = client.get(article.get_absolute_url("az"), HTTP_USER_AGENT=READER_UA)
    assert response.status_code == 200
    return response


def in_database(article):
    return Article.objects.get(pk=article.pk).view_count


def in_redis(direct, article):
    """Views of `article` waiting in the buffer, read over a direct connection."""
    value = direct.hget(view_buffer.pending_key(), f"{article.pk}:{timezone.localdate()}")
    return int(value or 0)


def wait_until_in_redis(direct, article, expected, timeout=3.0):
    """Views sent without a reply may still be on their way through a proxy."""
    deadline = time.monotonic() + timeout
    while in_redis(direct, article) < expected and time.monotonic() < deadline:
        time.sleep(0.02)
    return in_redis(direct, article)


def flush_directly(settings):
    """Flush over a direct connection to the buffer's database, as any worker would."""
    settings.VIEW_BUFFER_URL = backends.BUFFER_URL
    backends.restart_worker()
    return view_buffer.flush()


@pytest.mark.parametrize("page_cache", [0, 300], ids=["rendered", "page cache"])
def test_with_redis_answering_n_views_are_exactly_n_after_a_flush(
    buffer, client, settings, article, page_cache
):
    settings.PAGE_CACHE_SECONDS = page_cache
    hits = [view(client, article).get("X-Page-Cache") == "hit" for _ in range(VIEWS)]
    assert any(hits) == bool(page_cache)  # the page cache's hits send views too
    assert wait_until_in_redis(buffer, article, VIEWS) == VIEWS
    assert in_database(article) == 0
    assert view_buffer.flush() == VIEWS
    assert in_database(article) == VIEWS
    assert DailyViews.objects.get(article=article).count == VIEWS
    assert view_buffer.flush() == 0
    assert in_database(article) == VIEWS


@pytest.mark.parametrize("page_cache", [0, 300], ids=["rendered", "page cache"])
def test_with_the_redis_port_closed_views_go_to_the_database_once_each(
    buffer, client, settings, article, page_cache
):
    settings.PAGE_CACHE_SECONDS = page_cache
    settings.VIEW_BUFFER_URL = backends.redis_url(backends.BUFFER_DB, free_port())  # closed
    for number in range(1, VIEWS + 1):
        view(client, article)
        assert in_database(article) == number
    assert DailyViews.objects.get(article=article).count == VIEWS
    assert flush_directly(settings) == 0
    assert in_database(article) == VIEWS


@pytest.mark.slow
def test_views_before_during_and_after_a_cut_add_up_exactly(buffer, client, settings, article):
    with TcpProxy(target_port=6379) as proxy:
        settings.VIEW_BUFFER_URL = backends.redis_url(backends.BUFFER_DB, proxy.port)
        settings.PAGE_CACHE_SECONDS = 300
        for _ in range(3):
            view(client, article)  # into Redis (the hits without waiting for a reply)
        # Views sent without a reply are in flight until the proxy passes them on; a cut
        # before that may lose them (at most once), so the cut waits for them.
        assert wait_until_in_redis(buffer, article, 3) == 3
        proxy.cut()
        for _ in range(3):
            view(client, article)  # Redis refuses: into the database
        assert in_database(article) == 3
        proxy.restore()
        for _ in range(3):
            view(client, article)  # the database while Redis is skipped, then Redis again
        view_buffer.flush()
    assert in_database(article) == 9
    assert DailyViews.objects.get(article=article).count == 9


@pytest.mark.slow
def test_a_view_whose_reply_is_lost_after_redis_applied_it_counts_once(
    buffer, client, settings, article
):
    with ReplyWithholdingProxy(target_port=6379) as proxy:
        settings.VIEW_BUFFER_URL = backends.redis_url(backends.BUFFER_DB, proxy.port)
        started = time.monotonic()
        response = view(client, article)
        waited = time.monotonic() - started
    assert proxy.withheld == 1  # the HINCRBY's reply, and nothing else
    assert waited >= 0.5  # the page waited for the reply up to the client's time-out
    assert "1 baxış" in response.content.decode()  # the reader still sees the view
    assert in_redis(buffer, article) == 1  # Redis applied it ...
    assert in_database(article) == 0  # ... so the database was not written as well
    assert flush_directly(settings) == 1
    assert in_database(article) == 1
    assert DailyViews.objects.get(article=article).count == 1


@pytest.mark.slow
def test_page_cache_hits_after_a_lost_reply_add_up_exactly(buffer, client, settings, article):
    settings.PAGE_CACHE_SECONDS = 300
    with ReplyWithholdingProxy(target_port=6379) as proxy:
        settings.VIEW_BUFFER_URL = backends.redis_url(backends.BUFFER_DB, proxy.port)
        responses = [view(client, article) for _ in range(VIEWS)]
    assert [r.get("X-Page-Cache") for r in responses] == [None] + ["hit"] * (VIEWS - 1)
    assert proxy.withheld == 1
    assert in_redis(buffer, article) == 1  # the first view, whose reply was lost
    assert in_database(article) == VIEWS - 1  # the hits, while Redis was skipped
    assert flush_directly(settings) == 1
    assert in_database(article) == VIEWS


@pytest.mark.slow
def test_a_redis_that_accepts_but_never_answers_costs_one_time_out(
    buffer, client, settings, article
):
    """A Redis that hangs (the kernel accepts the connection, nothing ever answers): the
    first view waits for the client's time-out and is counted in the database, since
    nothing reached Redis; the next views skip Redis without waiting."""
    with socket.socket() as hanging:
        hanging.bind(("127.0.0.1", 0))  # any port the system has free
        hanging.listen(16)
        settings.VIEW_BUFFER_URL = backends.redis_url(backends.BUFFER_DB, hanging.getsockname()[1])
        started = time.monotonic()
        view(client, article)
        first = time.monotonic() - started
        durations = []
        for _ in range(3):
            started = time.monotonic()
            view(client, article)
            durations.append(time.monotonic() - started)
    assert first >= 0.45  # it waited for Redis's answer (0.5 s)
    assert max(durations) < 0.45, durations  # then Redis was skipped
    assert in_database(article) == 4
    assert flush_directly(settings) == 0
    assert in_database(article) == 4


def test_a_pending_hash_brought_back_by_an_old_redis_snapshot_is_not_counted_again(
    buffer, client, article
):
    for _ in range(3):
        view(client, article)
    # A snapshot of Redis taken now holds these three views as pending…
    pending = view_buffer.pending_key()
    snapshot = buffer.dump(pending)
    assert view_buffer.flush() == 3
    # …and Redis comes back from it after they were written to the database.
    buffer.restore(pending, 0, snapshot)
    view(client, article)  # lands in the restored hash: may be lost, never doubled
    view_buffer.flush()
    assert Article.objects.get(pk=article.pk).view_count == 3
    assert DailyViews.objects.get(article=article).count == 3
    # The next hash is a new one, counted as usual.
    view(client, article)
    assert view_buffer.flush() == 1
    assert Article.objects.get(pk=article.pk).view_count == 4
