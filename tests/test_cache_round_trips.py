"""What a page costs in round trips, and why fewer never means stale or uncounted.

Each worker keeps the content version in memory and reads it from PostgreSQL again at
most every CONTENT_VERSION_TTL seconds (core.caching.version); a page from the page cache
sends its view without waiting for an answer (news.view_counts.buffer.send). These tests
prove that a change still shows at once in the worker that made it, and within the TTL
(not before) in another worker, and that every view is still counted.

Redis is the shared cache (database 11) and the view buffer (database 12), under a key
prefix of this test session's own (tests/test_cache_redis.py).
"""

import json
import queue
import subprocess
import threading
import time

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from news.models import Article
from news.view_counts import buffer as view_buffer
from tests import test_cache_redis as backends
from tests.conftest import READER_UA
from tests.factories import ArticleFactory
from tests.ops_support import PYTHON, ROOT, gunicorn_env

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

TTL = 1.0  # CONTENT_VERSION_TTL, small for the test (the default is 2)


@pytest.fixture(params=[300, 0], ids=["page cache", "no page cache"])
def shared_redis(request, settings):
    with backends.backend("redis", settings) as chosen:
        settings.PAGE_CACHE_SECONDS = request.param
        yield chosen


@pytest.fixture
def page_cache_on_redis(settings):
    with backends.backend("redis", settings) as chosen:
        settings.PAGE_CACHE_SECONDS = 300
        yield chosen


@pytest.fixture
def redis_traffic(monkeypatch):
    """The commands sent to Redis, and how many answers were waited for."""
    traffic = {"sent": [], "answers": 0}
    connection_class = redis.connection.AbstractConnection
    send, read = connection_class.send_packed_command, connection_class.read_response

    def spy_send(self, command, check_health=True):
        traffic["sent"].append(b"".join(command) if isinstance(command, list) else command)
        return send(self, command, check_health)

    def spy_read(self, *args, **kwargs):
        traffic["answers"] += 1
        return read(self, *args, **kwargs)

    monkeypatch.setattr(connection_class, "send_packed_command", spy_send)
    monkeypatch.setattr(connection_class, "read_response", spy_read)
    return traffic


def get(client, path):
    return client.get(path, HTTP_USER_AGENT=READER_UA)


def is_hit(response):
    return response.get("X-Page-Cache") == "hit"


def views(article):
    view_buffer.flush()
    return Article.objects.get(pk=article.pk).view_count


def command_names(traffic):
    """The commands in each packet sent: [[name, …], …]."""
    packets = []
    for payload in traffic["sent"]:
        parts = payload.split(b"\r\n")
        packets.append(
            [parts[i + 2].decode() for i, part in enumerate(parts[:-2]) if part.startswith(b"*")]
        )
    return packets


def test_pages_read_the_version_from_memory_and_cached_articles_wait_for_nothing(
    shared_redis, redis_traffic, client, settings
):
    article = ArticleFactory(view_count=0)
    url = article.get_absolute_url("az")
    for _ in range(2):
        assert get(client, "/az/").status_code == 200
        assert get(client, url).status_code == 200

    redis_traffic["sent"].clear()
    redis_traffic["answers"] = 0
    with CaptureQueriesContext(connection) as queries:
        assert get(client, "/az/").status_code == 200
    assert redis_traffic["sent"] == []  # not even the content version
    assert len(queries) == 0  # nor from the database: the worker's memory has it

    response = get(client, url)
    assert response.status_code == 200
    # One packet: the view, and the pending hash's generation (news.view_counts.buffer).
    assert command_names(redis_traffic) == [["HSETNX", "HINCRBY"]]
    if settings.PAGE_CACHE_SECONDS:
        assert redis_traffic["answers"] == 0  # sent, not waited for
    else:
        assert redis_traffic["answers"] == 2  # the page shows the new count
        assert "3 baxış" in response.content.decode()
    assert views(article) == 3


def test_an_edit_shows_at_once_and_counts_once(shared_redis, client):
    article = ArticleFactory(view_count=0, title_az="Köhnə başlıq")
    url = article.get_absolute_url("az")
    get(client, url)
    get(client, url)
    article.title_az = "Yeni başlıq"
    article.save()
    text = get(client, url).content.decode()
    assert "Yeni başlıq" in text
    assert "Köhnə başlıq" not in text
    assert "3 baxış" in text
    assert views(article) == 3


def test_views_sent_on_a_connection_redis_has_closed_still_count(shared_redis, client):
    article = ArticleFactory(view_count=0)
    url = article.get_absolute_url("az")
    get(client, url)
    get(client, url)
    assert backends.kill_our_connections(shared_redis.buffer) >= 1  # as a Redis restart does
    for _ in range(3):
        assert get(client, url).status_code == 200
    assert views(article) == 5


def test_heads_and_bots_are_not_counted(shared_redis, client):
    article = ArticleFactory(view_count=0)
    url = article.get_absolute_url("az")
    get(client, url)
    client.head(url, HTTP_USER_AGENT=READER_UA)
    client.get(url, HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")
    assert views(article) == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_reads_the_version_from_the_database_at_most_once_per_ttl(
    page_cache_on_redis, client, settings
):
    settings.CONTENT_VERSION_TTL = 0.5
    article = ArticleFactory()
    with override("az"):
        path = article.category.get_absolute_url()
    get(client, path)
    time.sleep(settings.CONTENT_VERSION_TTL)  # the version this worker knows is too old now
    with CaptureQueriesContext(connection) as after_the_ttl:
        assert is_hit(get(client, path))
    with CaptureQueriesContext(connection) as within_the_ttl:
        assert is_hit(get(client, path))
    assert [query["sql"] for query in after_the_ttl] == [
        "SELECT version, next_due FROM core_contentversion WHERE id = 1"
    ]
    assert len(within_the_ttl) == 0


# --- another worker -----------------------------------------------------------------------

ANSWER = "ANSWER "
WORKER = r"""
import json, sys

from django.test import Client

from core import caching
from news.models import Article

client = Client(HTTP_USER_AGENT=sys.argv[1])


def answer(value):
    print("ANSWER " + json.dumps(value), flush=True)


answer("ready")
for line in sys.stdin:
    command, _, argument = line.rstrip("\n").partition(" ")
    if command == "get":
        response = client.get(argument)
        answer({
            "status": response.status_code,
            "hit": response.get("X-Page-Cache") == "hit",
            "text": response.content.decode(),
        })
    elif command == "retitle":
        pk, title = argument.split(" ", 1)
        article = Article.objects.get(pk=pk)
        article.title_az = title
        article.save()
        answer(caching.content_version())
"""


class OtherWorker:
    """Another worker process on the same database and Redis (another gunicorn worker,
    another server), driven a line at a time: `ask("get", path)`,
    `ask("retitle", pk, title)`."""

    def __init__(self, settings):
        self.env = gunicorn_env(
            REDIS_URL=settings.REDIS_URL,
            VIEW_BUFFER_URL=settings.VIEW_BUFFER_URL,
            CACHE_KEY_PREFIX=settings.CACHE_KEY_PREFIX,
            PAGE_CACHE_SECONDS=str(settings.PAGE_CACHE_SECONDS),
            CONTENT_VERSION_TTL=str(settings.CONTENT_VERSION_TTL),
            VIEW_FLUSH_SECONDS="0",
        )
        self.env["ALLOWED_HOSTS"] = "testserver"  # the test client's host
        self.lines = queue.Queue()
        self.output = []
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and code
            [PYTHON, "-c", "import django; django.setup()\n" + WORKER, READER_UA],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        assert self._answer() == "ready"
        return self

    def __exit__(self, *exc):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _answer(self, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError("the other worker did not answer:\n" + self.log()) from None
            if line is None:
                raise AssertionError("the other worker died:\n" + self.log())
            if line.startswith(ANSWER):
                return json.loads(line[len(ANSWER) :])
            self.output.append(line)

    def ask(self, *words):
        self.process.stdin.write(" ".join(map(str, words)) + "\n")
        self.process.stdin.flush()
        return self._answer()

    def log(self):
        return "".join(self.output[-40:])


def sleep_until(moment):
    time.sleep(max(0.0, moment - time.monotonic()))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_change_saved_on_another_worker_shows_here_within_the_ttl_not_before(
    page_cache_on_redis, client, settings
):
    settings.CONTENT_VERSION_TTL = TTL
    with OtherWorker(settings) as other:
        started = time.monotonic()
        article = ArticleFactory(title_az="Köhnə başlıq")  # this worker adopts its version
        adopted = time.monotonic()
        url = article.get_absolute_url("az")
        get(client, url)
        assert is_hit(get(client, url))

        other.ask("retitle", article.pk, "Yeni başlıq")
        stale = get(client, url)
        in_time = time.monotonic() - started < TTL
        sleep_until(adopted + TTL + 0.05)
        fresh = get(client, url).content.decode()

    assert in_time, "the machine was too slow for this test's timing"
    assert is_hit(stale)  # within the TTL this worker still serves what it had
    assert "Köhnə başlıq" in stale.content.decode()
    assert "Yeni başlıq" in fresh
    assert "Köhnə başlıq" not in fresh


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_change_saved_here_shows_on_another_worker_within_the_ttl_not_before(
    page_cache_on_redis, client, settings
):
    settings.CONTENT_VERSION_TTL = TTL
    with OtherWorker(settings) as other:
        article = ArticleFactory(title_az="Köhnə başlıq")
        url = article.get_absolute_url("az")
        started = time.monotonic()
        first = other.ask("get", url)  # the other worker reads the version now
        read = time.monotonic()
        assert first["status"] == 200, other.log()
        assert "Köhnə başlıq" in first["text"]

        article.title_az = "Yeni başlıq"
        article.save()
        here = get(client, url)  # the worker that saved shows its change at once
        stale = other.ask("get", url)
        in_time = time.monotonic() - started < TTL
        sleep_until(read + TTL + 0.05)
        fresh = other.ask("get", url)

    assert "Yeni başlıq" in here.content.decode()
    assert not is_hit(here)
    assert in_time, "the machine was too slow for this test's timing"
    assert stale["hit"]
    assert "Köhnə başlıq" in stale["text"]
    assert "Yeni başlıq" in fresh["text"]
    assert "Köhnə başlıq" not in fresh["text"]
