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

ARTICLE_QUERIES = 3  # the article, its related news, the view count
LISTING_QUERIES = 3  # the category, the page count, the page's rows
ALL_NEWS_QUERIES = 2
HOME_QUERIES = 1


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


def test_cold_cache_article_page_stays_small(client):
    article = make_content(30).articles.first()
    with CaptureQueriesContext(connection) as queries:
        client.get(article.get_absolute_url("az"), HTTP_USER_AGENT=READER_UA)
    assert len(queries) <= 7
