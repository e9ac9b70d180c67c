"""The page cache cannot be flooded: query parameters a page does not read never make an
entry (they are redirected away), and each path has a bounded number of entries."""

import pytest

from tests import test_cache_redis as backends
from tests.conftest import READER_UA
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = [pytest.mark.django_db, pytest.mark.security, pytest.mark.redis]


@pytest.fixture
def redis_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    with backends.backend("redis", settings) as chosen:
        yield chosen


def get(client, path):
    return client.get(path, HTTP_USER_AGENT=READER_UA)


def page_entries(chosen):
    return [key for key in backends.our_keys(chosen.cache) if b":shared:page:" in key]


@pytest.mark.parametrize(
    ("asked", "canonical"),
    [
        ("/az/?utm_source=x", "/az/"),
        ("/az/news/?page=2&fbclid=abc", "/az/news/?page=2"),
        ("/en/news/?page=1&page=2", "/en/news/?page=2"),
        ("/az/axtaris/?q=Laçın&bust=1", "/az/axtaris/?q=La%C3%A7%C4%B1n"),
    ],
)
def test_parameters_a_page_does_not_read_are_redirected_away(client, redis_cache, asked, canonical):
    ArticleFactory.create_batch(25)
    response = get(client, asked)
    assert response.status_code == 301
    assert response["Location"] == canonical
    assert page_entries(redis_cache) == []
    assert get(client, canonical).status_code == 200


def test_a_flood_of_junk_query_strings_makes_no_new_entries(client, redis_cache):
    article = ArticleFactory()
    url = article.get_absolute_url("az")
    assert get(client, url).status_code == 200
    before = page_entries(redis_cache)
    assert len(before) == 1
    for number in range(50):
        assert get(client, f"{url}?cache-buster={number}").status_code == 301
    assert page_entries(redis_cache) == before
    assert get(client, url)["X-Page-Cache"] == "hit"


def test_the_order_of_parameters_makes_one_entry(client, redis_cache):
    ArticleFactory(title_az="Laçın xəbəri")
    assert get(client, "/az/axtaris/?q=lacin&sort=new").status_code == 200
    again = get(client, "/az/axtaris/?sort=new&q=lacin")
    assert again.status_code == 200
    assert again["X-Page-Cache"] == "hit"
    assert len(page_entries(redis_cache)) == 1


def test_each_path_has_at_most_page_cache_variants_entries(client, redis_cache, settings):
    settings.PAGE_CACHE_VARIANTS = 5
    ArticleFactory(title_az="Laçın xəbəri")
    for number in range(20):
        assert get(client, f"/az/axtaris/?q=soz{number}").status_code == 200
    assert len(page_entries(redis_cache)) == 5
    # Other paths still get their own entries.
    assert get(client, "/az/").status_code == 200
    assert len(page_entries(redis_cache)) == 6


def test_a_page_that_declares_no_parameters_is_cached_only_without_a_query(client, redis_cache):
    category = CategoryFactory()
    ArticleFactory(category=category)
    # The appeal form's confirmation reads ?ref=: it declares nothing, so it is served
    # as it is, never redirected and never cached with its query.
    response = get(client, "/az/muraciet/gonderildi/?ref=x")
    assert response.status_code in {200, 302, 400, 404}
    assert page_entries(redis_cache) == []
