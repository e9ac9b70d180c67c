"""The Redis view buffer: readers never wait on the article's row, and no view is lost.

Uses Redis database 6 on 127.0.0.1:6379 (flushed before and after each test) and is
skipped when Redis is not there. Flushes are called by hand: no background thread.
"""

import time
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from news.models import Article, DailyViews
from news.view_counts import buffer as view_buffer
from tests.concurrency import read_concurrently
from tests.conftest import READER_UA
from tests.factories import ArticleFactory
from tests.redis_support import empty_redis

BUFFER_URL = "redis://127.0.0.1:6379/6"


@pytest.fixture
def buffer(settings):
    with empty_redis(BUFFER_URL, "the view buffer") as client:
        settings.VIEW_BUFFER_URL = BUFFER_URL
        settings.VIEW_FLUSH_SECONDS = 0  # tests flush by hand
        view_buffer._state["down_until"] = 0.0
        yield client
    view_buffer._state["down_until"] = 0.0


def pending(client, article):
    view_buffer.settle()  # views of cached pages are sent without waiting for Redis
    value = client.hget(view_buffer.pending_key(), f"{article.pk}:{timezone.localdate()}")
    return int(value or 0)


def orphan_key(age_seconds=3600):
    started = int(time.time()) - age_seconds
    return f"{view_buffer._batch_prefix()}{started}:{uuid.uuid4().hex}"


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
    assert view_buffer.flush() == 0


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
    view_buffer.flush()
    article.refresh_from_db()
    assert article.view_count == 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_views_are_exact_after_a_flush(buffer, postgres_only):
    article = ArticleFactory()
    url = article.get_absolute_url("az")
    threads_count, per_thread = 8, 10
    assert not read_concurrently(url, threads_count, per_thread)
    assert view_buffer.flush() == threads_count * per_thread
    article.refresh_from_db()
    assert article.view_count == threads_count * per_thread
    assert DailyViews.objects.get(article=article).count == threads_count * per_thread


@pytest.mark.django_db
def test_a_batch_left_by_a_dead_flusher_is_picked_up(buffer):
    """The flusher renamed the pending counts aside, then its worker died."""
    article = ArticleFactory()
    day = timezone.localdate()
    buffer.hset(orphan_key(), f"{article.pk}:{day}", 7)
    assert view_buffer.flush() == 7
    article.refresh_from_db()
    assert article.view_count == 7
    assert list(buffer.scan_iter(f"{view_buffer._batch_prefix()}*")) == []


@pytest.mark.django_db
def test_a_fresh_batch_of_a_live_flusher_is_left_alone(buffer):
    article = ArticleFactory()
    key = orphan_key(age_seconds=0)
    buffer.hset(key, f"{article.pk}:{timezone.localdate()}", 2)
    assert view_buffer.flush() == 0
    assert buffer.exists(key)


@pytest.mark.django_db
def test_a_batch_written_but_not_deleted_counts_once(buffer):
    """The flusher committed, then died before deleting the batch from Redis."""
    article = ArticleFactory()
    key, field = orphan_key(), f"{article.pk}:{timezone.localdate()}"
    buffer.hset(key, field, 4)
    assert view_buffer.flush() == 4
    buffer.hset(key, field, 4)  # the same batch again, as if never deleted
    assert view_buffer.flush() == 0
    article.refresh_from_db()
    assert article.view_count == 4
    assert not buffer.exists(key)


@pytest.mark.django_db
def test_views_of_a_deleted_article_are_dropped_quietly(buffer):
    article = ArticleFactory()
    view_buffer.add(article.pk)
    Article.objects.filter(pk=article.pk).delete()
    view_buffer.flush()
    assert not DailyViews.objects.exists()


@pytest.mark.django_db
def test_redis_down_counts_straight_in_the_database(buffer, reader, settings):
    settings.VIEW_BUFFER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    article = ArticleFactory(view_count=5)
    response = reader.get(article.get_absolute_url("az"))
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.view_count == 6
    # While Redis is marked down, views skip it without waiting for a timeout.
    reader.get(article.get_absolute_url("az"))
    article.refresh_from_db()
    assert article.view_count == 7


@pytest.mark.django_db
def test_the_flush_views_command(buffer, reader, capsys):
    article = ArticleFactory()
    reader.get(article.get_absolute_url("az"))
    call_command("flush_views")
    assert "Flushed 1 views." in capsys.readouterr().out
    article.refresh_from_db()
    assert article.view_count == 1
