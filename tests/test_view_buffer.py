"""The Redis view buffer (news.view_counts.buffer): readers never wait on the article's
row, and a flush writes every buffered view once.

Uses Redis database 12 on 127.0.0.1:6379, under a key prefix of this test session's own
(tests/test_cache_redis.py); without Redis the test is skipped, or fails under CI=true.
Flushes are called by hand: no background thread.
"""

import pytest
from django.core.management import call_command
from django.utils import timezone

from news.models import Article, DailyViews
from news.view_counts import buffer as view_buffer
from tests import test_cache_redis as backends
from tests.concurrency import read_concurrently
from tests.conftest import READER_UA
from tests.factories import ArticleFactory
from tests.ops_support import free_port, gunicorn_env, in_child

pytestmark = pytest.mark.redis


@pytest.fixture
def buffer(settings):
    """The view buffer's Redis database (this session's keys only); the cache is local."""
    with backends.view_buffer_only(settings) as client:
        yield client


@pytest.fixture
def orphans_now(monkeypatch):
    """`flush_views --orphans-now`, without its setting leaking into later tests (the
    command lowers the module's ORPHAN_SECONDS for the rest of the process)."""
    monkeypatch.setattr(view_buffer, "ORPHAN_SECONDS", view_buffer.ORPHAN_SECONDS)

    def run(capsys):
        call_command("flush_views", "--orphans-now")
        return capsys.readouterr().out

    return run


def pending(client, article):
    view_buffer.settle()  # views of cached pages are sent without waiting for Redis
    value = client.hget(view_buffer.pending_key(), f"{article.pk}:{timezone.localdate()}")
    return int(value or 0)


def batch_keys(client):
    """Keys a flush has set aside and not finished: every key but the pending views."""
    pending_key = view_buffer.pending_key().encode()
    return [key for key in backends.our_keys(client) if key != pending_key]


@pytest.mark.django_db
def test_a_view_goes_to_redis_and_the_page_shows_it(buffer, reader):
    article = ArticleFactory(view_count=2628)
    response = reader.get(article.get_absolute_url("en"))
    assert "2,629 views" in response.content.decode()
    article.refresh_from_db()
    assert article.view_count == 2628
    assert pending(buffer, article) == 1
    response = reader.get(article.get_absolute_url("en"))
    assert "2,630 views" in response.content.decode()


@pytest.mark.django_db
def test_flush_moves_the_counts_to_totals_and_days(buffer, reader):
    first, second = ArticleFactory(view_count=10), ArticleFactory()
    for _ in range(3):
        reader.get(first.get_absolute_url("az"))
    for _ in range(2):
        reader.get(second.get_absolute_url("az"))
    assert view_buffer.flush() == 5
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.view_count, second.view_count) == (13, 2)
    assert DailyViews.objects.get(article=first, day=timezone.localdate()).count == 3
    assert not buffer.exists(view_buffer.pending_key())
    assert batch_keys(buffer) == []
    assert view_buffer.flush() == 0
    first.refresh_from_db()
    assert first.view_count == 13


@pytest.mark.django_db
def test_heads_and_bots_are_not_buffered(buffer, client):
    article = ArticleFactory()
    client.head(article.get_absolute_url("az"), HTTP_USER_AGENT=READER_UA)
    client.get(article.get_absolute_url("az"), HTTP_USER_AGENT="Googlebot/2.1")
    assert pending(buffer, article) == 0


@pytest.mark.django_db
def test_views_of_cached_pages_are_buffered_too(buffer, reader, settings):
    settings.PAGE_CACHE_SECONDS = 300
    article = ArticleFactory()
    responses = [reader.get(article.get_absolute_url("az")) for _ in range(4)]
    assert [r.get("X-Page-Cache") for r in responses] == [None, "hit", "hit", "hit"]
    assert pending(buffer, article) == 4
    assert view_buffer.flush() == 4
    article.refresh_from_db()
    assert article.view_count == 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_views_are_exact_after_a_flush(buffer, postgres_only):
    article = ArticleFactory()
    url = article.get_absolute_url("az")
    threads_count, per_thread = 8, 10
    assert not read_concurrently(url, threads_count, per_thread)
    assert pending(buffer, article) == threads_count * per_thread
    assert view_buffer.flush() == threads_count * per_thread
    article.refresh_from_db()
    assert article.view_count == threads_count * per_thread
    assert DailyViews.objects.get(article=article).count == threads_count * per_thread


def die_while_flushing(settings):
    """A flusher in another process sets the pending views aside, then cannot write them
    (its database does not answer) and dies: its batch stays in Redis."""
    env = gunicorn_env(
        database_port=free_port(),  # nothing listens there
        VIEW_BUFFER_URL=settings.VIEW_BUFFER_URL,
        CACHE_KEY_PREFIX=settings.CACHE_KEY_PREFIX,
        VIEW_FLUSH_SECONDS="0",
    )
    result = in_child("from news.view_counts import buffer\nbuffer.flush()\n", env)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "OperationalError" in result.stderr, result.stderr


@pytest.mark.django_db
@pytest.mark.slow
def test_a_batch_left_by_a_dead_flusher_is_taken_over_once(
    buffer, reader, settings, orphans_now, capsys
):
    article = ArticleFactory()
    for _ in range(4):
        reader.get(article.get_absolute_url("az"))
    die_while_flushing(settings)
    [batch] = batch_keys(buffer)
    assert pending(buffer, article) == 0

    # Fresh, it may be a live flusher's: left alone.
    assert view_buffer.flush() == 0
    assert buffer.exists(batch)
    article.refresh_from_db()
    assert article.view_count == 0

    # Old enough (here: now), the next flush takes it over.
    snapshot = buffer.dump(batch)
    assert "Flushed 4 views." in orphans_now(capsys)
    article.refresh_from_db()
    assert article.view_count == 4
    assert DailyViews.objects.get(article=article).count == 4
    assert batch_keys(buffer) == []

    # That flusher committed, then died before deleting the batch: it comes back once more.
    buffer.restore(batch, 0, snapshot)
    assert "Flushed 0 views." in orphans_now(capsys)
    article.refresh_from_db()
    assert article.view_count == 4
    assert batch_keys(buffer) == []


@pytest.mark.django_db
@pytest.mark.slow
def test_views_after_a_dead_flusher_are_flushed_with_its_batch(
    buffer, reader, settings, orphans_now, capsys
):
    article = ArticleFactory()
    for _ in range(2):
        reader.get(article.get_absolute_url("az"))
    die_while_flushing(settings)
    for _ in range(3):
        reader.get(article.get_absolute_url("az"))
    assert view_buffer.flush() == 3  # the new views; the dead flusher's batch waits
    assert "Flushed 2 views." in orphans_now(capsys)
    article.refresh_from_db()
    assert article.view_count == 5


@pytest.mark.django_db
def test_views_of_a_deleted_article_are_dropped_quietly(buffer, reader):
    kept, deleted = ArticleFactory(), ArticleFactory()
    reader.get(kept.get_absolute_url("az"))
    reader.get(deleted.get_absolute_url("az"))
    Article.objects.filter(pk=deleted.pk).delete()
    view_buffer.flush()
    assert list(DailyViews.objects.values_list("article_id", "count")) == [(kept.pk, 1)]
    assert batch_keys(buffer) == []


@pytest.mark.django_db
def test_redis_down_counts_straight_in_the_database(buffer, reader, settings):
    settings.VIEW_BUFFER_URL = backends.redis_url(backends.BUFFER_DB, free_port())  # closed
    article = ArticleFactory(view_count=5)
    response = reader.get(article.get_absolute_url("az"))
    assert response.status_code == 200
    assert "6 baxış" in response.content.decode()
    article.refresh_from_db()
    assert article.view_count == 6
    # While Redis is marked down, views skip it and still count once each.
    response = reader.get(article.get_absolute_url("az"))
    assert "7 baxış" in response.content.decode()
    article.refresh_from_db()
    assert article.view_count == 7
    assert DailyViews.objects.get(article=article).count == 2


@pytest.mark.django_db
def test_the_flush_views_command(buffer, reader, capsys):
    article = ArticleFactory()
    reader.get(article.get_absolute_url("az"))
    call_command("flush_views")
    assert "Flushed 1 views." in capsys.readouterr().out
    article.refresh_from_db()
    assert article.view_count == 1
