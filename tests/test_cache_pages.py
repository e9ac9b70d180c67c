"""The anonymous page cache: shown changes at once, views still counted, never personal pages.

Every test runs three times (tests/test_cache_redis.py, `backend`): without Redis, with
Redis as the shared cache and view buffer (the production path), and with Redis
configured but not answering.
"""

import datetime
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from core import caching
from core.models import ContentVersion
from news.models import Article, DailyViews
from tests import test_cache_redis as backends
from tests.conftest import READER_UA
from tests.factories import ArticleFactory, CategoryFactory
from translators.models import TranslatorProfile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_backend")]


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_MAX_AGE = 60


@pytest.fixture(params=backends.BACKENDS)
def cache_backend(request, settings):
    with backends.backend(request.param, settings) as chosen:
        yield chosen


@pytest.fixture
def article():
    return ArticleFactory(title_az="Köhnə başlıq", title_en="Old headline")


def get(client, path, **extra):
    return client.get(path, HTTP_USER_AGENT=READER_UA, **extra)


def listing_url(category):
    with override("az"):
        return category.get_absolute_url()


def is_hit(response):
    return response.get("X-Page-Cache") == "hit"


def counted(article, chosen):
    """The article's views in the database once buffered views are flushed."""
    chosen.flush_views()
    return Article.objects.get(pk=article.pk).view_count


def stored_version():
    return ContentVersion.objects.get(pk=1).version


def test_second_anonymous_request_comes_from_the_cache(client, article):
    path = listing_url(article.category)
    first = get(client, path)
    with CaptureQueriesContext(connection) as queries:
        second = get(client, path)
    assert not is_hit(first)
    assert is_hit(second)
    assert len(queries) == 0
    assert second.content == first.content


def test_languages_are_cached_apart(client, article):
    get(client, "/az/")
    get(client, "/en/")
    assert "Köhnə başlıq" in get(client, "/az/").content.decode()
    english = get(client, "/en/")
    assert is_hit(english)
    assert "Old headline" in english.content.decode()


def test_publishing_shows_on_the_listing_and_home_at_once(client, article):
    category_url = listing_url(article.category)
    get(client, category_url)
    get(client, "/az/")
    ArticleFactory(category=article.category, title_az="Təzə xəbər")
    for path in [category_url, "/az/"]:
        response = get(client, path)
        assert not is_hit(response)
        assert "Təzə xəbər" in response.content.decode()


def test_a_draft_becoming_published_shows_at_once(client, article):
    draft = ArticleFactory(category=article.category, status=Article.Status.DRAFT)
    get(client, "/az/")
    assert draft.title_az not in get(client, "/az/").content.decode()
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert draft.title_az in get(client, "/az/").content.decode()


def test_an_edited_title_shows_on_the_article_page_at_once(client, article):
    path = article.get_absolute_url("az")
    get(client, path)
    assert is_hit(get(client, path))
    article.title_az = "Yeni başlıq"
    article.save()
    # The slug stays; the page answers with the new title.
    response = get(client, path)
    assert response.status_code == 200
    assert not is_hit(response)
    assert "Yeni başlıq" in response.content.decode()
    assert "Köhnə başlıq" not in response.content.decode()


def test_a_withdrawal_notice_shows_at_once(client, article):
    path = article.get_absolute_url("az")
    get(client, path)
    assert "notice--withdrawn" not in get(client, path).content.decode()
    article.status = Article.Status.WITHDRAWN
    article.withdrawn_reason_az = "Səhv məlumat"
    article.save()
    response = get(client, path)
    assert "notice--withdrawn" in response.content.decode()
    assert "Səhv məlumat" in response.content.decode()


def test_a_deleted_article_is_gone_at_once(client, article):
    path = article.get_absolute_url("az")
    listing = listing_url(article.category)
    get(client, path)
    get(client, listing)
    assert is_hit(get(client, path))
    assert "Köhnə başlıq" in get(client, listing).content.decode()
    article.delete()
    assert get(client, path).status_code == 404
    assert "Köhnə başlıq" not in get(client, listing).content.decode()


def test_views_of_cached_pages_are_counted_exactly(client, article, cache_backend):
    path = article.get_absolute_url("az")
    for _ in range(5):
        get(client, path)
    client.head(path, HTTP_USER_AGENT=READER_UA)
    client.get(path, HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")
    assert is_hit(get(client, path))
    assert counted(article, cache_backend) == 6
    assert DailyViews.objects.get(article=article).count == 6


def test_head_of_a_cached_page_has_no_body(client, article):
    path = listing_url(article.category)
    get(client, path)
    response = client.head(path, HTTP_USER_AGENT=READER_UA)
    assert response.status_code == 200
    assert response.content == b""


def test_logged_in_readers_never_get_or_fill_cached_pages(admin_client, client, article):
    path = article.get_absolute_url("az")
    staff_page = admin_client.get(path, HTTP_USER_AGENT=READER_UA)
    assert not is_hit(staff_page)
    assert "ETag" not in staff_page
    assert not is_hit(admin_client.get(path, HTTP_USER_AGENT=READER_UA))
    # Nor did the staff member's page land in the cache for readers.
    assert not is_hit(get(client, path))


def test_a_session_cookie_bypasses_the_cache(client, article, settings):
    path = listing_url(article.category)
    get(client, path)
    client.cookies[settings.SESSION_COOKIE_NAME] = "whatever"
    assert not is_hit(get(client, path))


def test_previews_are_never_cached(admin_client, client):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    path = draft.get_absolute_url("az")
    response = admin_client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert get(client, path).status_code == 404
    assert get(client, path).status_code == 404


def test_not_found_pages_are_not_cached(client):
    get(client, "/az/news/999999/nothing/")
    response = get(client, "/az/news/999999/nothing/")
    assert response.status_code == 404
    assert not is_hit(response)


def test_pages_that_set_cookies_are_not_cached(client):
    with override("az"):
        path = reverse("portal:appeal")
    first = get(client, path)
    assert first.status_code == 200
    second = get(client, path)
    assert not is_hit(second)
    assert "ETag" not in second


def test_listings_say_public_with_a_short_max_age(client, article):
    response = get(client, listing_url(article.category))
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["ETag"].startswith('"')
    assert "Last-Modified" in response


def test_article_pages_make_proxies_revalidate_so_every_view_reaches_us(client, article):
    response = get(client, article.get_absolute_url("az"))
    assert response["Cache-Control"] == "public, no-cache"
    assert "ETag" in response


def test_a_matching_etag_gets_304_and_still_counts_the_view(client, article, cache_backend):
    path = article.get_absolute_url("az")
    etag = get(client, path)["ETag"]
    response = get(client, path, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert counted(article, cache_backend) == 2


def test_if_modified_since_gets_304(client, article):
    path = listing_url(article.category)
    last_modified = get(client, path)["Last-Modified"]
    assert get(client, path, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304


def test_a_changed_page_does_not_match_the_old_etag(client, article):
    path = listing_url(article.category)
    etag = get(client, path)["ETag"]
    ArticleFactory(category=article.category)
    assert get(client, path, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_validators_work_with_the_page_cache_off(client, article, settings):
    settings.PAGE_CACHE_SECONDS = 0
    path = listing_url(CategoryFactory())
    first = get(client, path)
    assert not is_hit(get(client, path))
    assert get(client, path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_admin_and_health_checks_are_outside_the_page_cache(client):
    for path in ["/livez", "/admin/login/"]:
        get(client, path)
        response = get(client, path)
        assert not is_hit(response)
        assert "ETag" not in response


@pytest.mark.django_db(transaction=True)
def test_a_page_read_while_an_edit_commits_is_not_served_after_it(client):
    """Another process reads the old rows until the editor's transaction commits; what
    it renders in between must not outlive the commit (news.signals bumps again)."""
    article = ArticleFactory(title_az="Köhnə başlıq")
    path = article.get_absolute_url("az")

    def read_in_another_connection(user_agent=READER_UA):
        try:
            return Client().get(path, HTTP_USER_AGENT=user_agent).content.decode()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as other_reader:
        with transaction.atomic():
            article.title_az = "Yeni başlıq"
            article.save()
            # A crawler: a reader's view would wait for the row the edit has locked.
            during = other_reader.submit(read_in_another_connection, "Googlebot/2.1").result()
        after = other_reader.submit(read_in_another_connection).result()
    assert "Köhnə başlıq" in during  # it could not see the uncommitted edit
    assert "Yeni başlıq" in after
    assert "Köhnə başlıq" not in after


def test_editing_a_users_groups_moves_no_version_and_keeps_pages_cached(client, article):
    path = listing_url(article.category)
    get(client, path)
    before = caching.content_version()
    user = User.objects.create_user("editor-to-be", password="a-long-test-password-1")
    group = Group.objects.get_or_create(name="Editor")[0]
    user.groups.add(group)
    user.groups.remove(group)
    user.groups.set([group])
    assert caching.content_version() == before
    assert stored_version() == before
    assert is_hit(get(client, path))


def test_editing_a_translator_profile_moves_no_version(client, article):
    path = article.get_absolute_url("az")
    get(client, path)
    before = caching.content_version()
    user = User.objects.create_user("translator-to-be", password="a-long-test-password-1")
    profile = TranslatorProfile.objects.create(user=user, target_language="en")
    profile.target_language = "az"
    profile.save()
    profile.delete()
    assert caching.content_version() == before
    assert stored_version() == before
    assert is_hit(get(client, path))


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_edit_moves_no_version_and_shows_nowhere(client):
    article = ArticleFactory(title_az="Köhnə başlıq")
    paths = [article.get_absolute_url("az"), listing_url(article.category)]
    for path in paths:
        get(client, path)
    before = caching.content_version()
    assert before == stored_version()

    seen_inside = []

    def edit_that_fails():
        with transaction.atomic():
            article.title_az = "Yeni başlıq"
            article.save()
            seen_inside.append(caching.content_version())
            raise RuntimeError("the editor's request failed after the save")

    with pytest.raises(RuntimeError):
        edit_that_fails()
    assert seen_inside[0] != before  # inside, the transaction used its new version

    assert stored_version() == before
    assert caching.content_version() == before
    for path in paths:
        response = get(client, path)
        assert is_hit(response), path
        assert "Köhnə başlıq" in response.content.decode()
        assert "Yeni başlıq" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_scheduled_article_appears_on_cached_pages_when_its_time_comes(client):
    """No save happens at the publication time: the first reader after it moves the
    version (core.caching.version, next_due)."""
    category = CategoryFactory()
    ArticleFactory.create_batch(2, category=category)
    due = timezone.now() + datetime.timedelta(hours=1)
    ArticleFactory(category=category, published_at=due, title_az="Planlı xəbər")
    paths = [listing_url(category), "/az/"]
    for path in paths:
        get(client, path)
        response = get(client, path)
        assert is_hit(response)
        assert "Planlı xəbər" not in response.content.decode()
    before = caching.content_version()

    with mock.patch("django.utils.timezone.now", return_value=due + datetime.timedelta(minutes=1)):
        for path in paths:
            response = get(client, path)
            assert not is_hit(response), path
            assert "Planlı xəbər" in response.content.decode(), path
        assert is_hit(get(client, paths[0]))
    assert caching.content_version() == stored_version() != before
