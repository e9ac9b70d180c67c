"""Reader pages run a fixed number of SQL queries, however much content there is.

Counts are pinned with the shared fragments (menu, latest news, site settings)
already cached, as they are on every request after the first.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import READER_UA
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db

# Related news, the category (from the cached menu), page counts and deep-page
# boundaries are cached per content version (news.selectors), and so are the rendered
# listing rows and the article's main block (templates, {% fragment %}), so warm pages
# only read what changes without a content change: an article's view count.
ARTICLE_QUERIES = 2  # its stored view count, counting the view (0 with the Redis buffer)
LISTING_QUERIES = 0  # the page's rows are a fragment cached per content version
ALL_NEWS_QUERIES = 0
HOME_QUERIES = 0
# What a page's own fragments read when they are rendered (first reader of a version):
ARTICLE_RENDER_QUERIES = 3  # the article, its gallery, its related news
LISTING_RENDER_QUERIES = 3  # the rows, the page count and the page's boundary


def make_content(count):
    category = CategoryFactory()
    ArticleFactory.create_batch(count, category=category)
    return category


def queries_for(client, path):
    client.get(path)  # warm the shared fragments
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, HTTP_USER_AGENT=READER_UA)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("size", [5, 500])
def test_query_counts_do_not_grow_with_content(client, size):
    category = make_content(size)
    article = category.articles.first()
    assert queries_for(client, article.get_absolute_url("az")) == ARTICLE_QUERIES
    assert queries_for(client, article.get_absolute_url("en")) == ARTICLE_QUERIES
    assert queries_for(client, category.get_absolute_url()) == LISTING_QUERIES
    last_page = (size + 19) // 20
    assert queries_for(client, f"{category.get_absolute_url()}?page={last_page}") == LISTING_QUERIES
    assert queries_for(client, "/en/news/") == ALL_NEWS_QUERIES
    assert queries_for(client, "/az/") == HOME_QUERIES


# Once per content version for the whole site: site settings, static pages, the
# category menu, the latest news, the two "most read" lists, the next scheduled
# publication time (core.caching).
SHARED_FRAGMENT_QUERIES = 7


def test_cold_cache_article_page_stays_small(client):
    article = make_content(30).articles.first()
    with CaptureQueriesContext(connection) as queries:
        client.get(article.get_absolute_url("az"), HTTP_USER_AGENT=READER_UA)
    # The warm page's own queries, the shared fragments, and its own fragments.
    assert len(queries) <= ARTICLE_QUERIES + SHARED_FRAGMENT_QUERIES + ARTICLE_RENDER_QUERIES


def test_cold_cache_listing_page_stays_small(client):
    category = make_content(300)
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{category.get_absolute_url()}?page=7", HTTP_USER_AGENT=READER_UA)
    # The rows, plus the page count and the page's boundary (cached per version).
    assert len(queries) <= LISTING_QUERIES + SHARED_FRAGMENT_QUERIES + LISTING_RENDER_QUERIES


def first_reader_queries(client, path, make_change, capture_on_commit):
    with capture_on_commit(execute=True):  # the editor's commit, with what follows it
        make_change()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, HTTP_USER_AGENT=READER_UA)
    assert response.status_code == 200
    return len(queries)


def test_after_a_committed_change_the_first_reader_builds_only_its_own_page(
    client, django_capture_on_commit_callbacks
):
    """The shared pieces are built by the commit (portal.warmup), so even the
    first reader after a change stays within 5 queries for an article, 4 for a listing."""
    category = make_content(300)
    article = category.articles.first()

    def publish():
        ArticleFactory(category=category)

    capture = django_capture_on_commit_callbacks
    article_path = article.get_absolute_url("az")
    listing_path = f"{category.get_absolute_url()}?page=7"
    assert first_reader_queries(client, article_path, publish, capture) == (
        ARTICLE_QUERIES + ARTICLE_RENDER_QUERIES
    )
    assert first_reader_queries(client, listing_path, publish, capture) == (
        LISTING_QUERIES + LISTING_RENDER_QUERIES
    )
    assert ARTICLE_QUERIES + ARTICLE_RENDER_QUERIES <= 5
    assert LISTING_QUERIES + LISTING_RENDER_QUERIES <= 4
