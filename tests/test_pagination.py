"""Listing pages by "seek": the same pages as OFFSET pagination, without reading skipped rows."""

import datetime
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core.paginator import Paginator
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

from news import selectors
from news.models import Article
from tests.conftest import READER_UA
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db

SIZE = selectors.LISTING_PAGE_SIZE


def reference_order(category):
    """Every published article of the category, newest first, as OFFSET paging sees them."""
    return list(
        Article.objects.published()
        .filter(category=category)
        .order_by("-published_at", "-id")
        .values_list("id", flat=True)
    )


def page_ids(category, number):
    return [article.pk for article in selectors.listing_page(number, category).object_list]


@pytest.fixture
def category_with_ties():
    """75 articles where many share a publication time: the boundary must break ties by id."""
    category = CategoryFactory()
    base = timezone.now() - datetime.timedelta(days=3)
    for index in range(75):
        # Groups of five articles share one timestamp, so pages start mid-group.
        ArticleFactory(category=category, published_at=base - datetime.timedelta(hours=index // 5))
    ArticleFactory(category=category, status=Article.Status.DRAFT)
    ArticleFactory()  # another category
    return category


def test_every_page_matches_offset_pagination(category_with_ties):
    expected = reference_order(category_with_ties)
    pages = [page_ids(category_with_ties, number) for number in range(1, 5)]
    assert [len(page) for page in pages] == [20, 20, 20, 15]
    assert [pk for page in pages for pk in page] == expected


def test_page_links_know_the_total(category_with_ties):
    page = selectors.listing_page(2, category_with_ties)
    assert page.paginator.num_pages == 4
    assert page.has_previous()
    assert page.has_next()
    assert page.start_index() == SIZE + 1


@pytest.mark.parametrize("number", ["0", "5", "-1", "abc", "99999999999999999999"])
def test_bad_page_numbers_are_404(client, category_with_ties, number):
    response = client.get(f"{category_with_ties.get_absolute_url()}?page={number}")
    assert response.status_code == 404


def test_an_empty_listing_has_one_empty_page(client):
    category = CategoryFactory()
    response = client.get(category.get_absolute_url())
    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == []


def test_deep_page_reads_no_skipped_rows(client, category_with_ties):
    """Cold: the boundary comes from an index-only query of two columns; the page's
    own query has no OFFSET. Warm: the boundary is cached, one query in all."""
    url = f"{category_with_ties.get_absolute_url()}?page=4"
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url, HTTP_USER_AGENT=READER_UA).status_code == 200
    article_selects = [
        query["sql"] for query in cold.captured_queries if 'FROM "news_article"' in query["sql"]
    ]
    with_offset = [sql for sql in article_selects if "OFFSET" in sql]
    assert len(with_offset) == 1
    boundary = with_offset[0]
    selected = boundary.split(" FROM ", 1)[0].removeprefix("SELECT ").split(", ")
    assert sorted(selected) == [
        '"news_article"."id" AS "id"',
        '"news_article"."published_at" AS "published_at"',
    ]
    assert "JOIN" not in boundary
    with CaptureQueriesContext(connection) as warm:
        response = client.get(url, HTTP_USER_AGENT=READER_UA)
    # Warm, the rendered rows come from their fragment (cached per content version).
    assert len(warm) == 0
    assert [article.pk for article in response.context["page_obj"].object_list] == (
        reference_order(category_with_ties)[60:]
    )


def test_pages_shift_at_once_when_an_article_is_published(client, category_with_ties):
    url = f"{category_with_ties.get_absolute_url()}?page=2"
    before = [a.pk for a in client.get(url).context["page_obj"].object_list]
    ArticleFactory(category=category_with_ties, published_at=timezone.now())
    after = [a.pk for a in client.get(url).context["page_obj"].object_list]
    assert after[0] == reference_order(category_with_ties)[20]
    assert after[1:] == before[:-1]


def test_a_scheduled_article_appears_when_its_time_comes_without_a_save(client):
    category = CategoryFactory()
    ArticleFactory.create_batch(3, category=category)
    due = timezone.now() + datetime.timedelta(hours=1)
    scheduled = ArticleFactory(category=category, published_at=due, title_az="Planlı xəbər")
    assert "Planlı xəbər" not in client.get(category.get_absolute_url()).content.decode()
    later = due + datetime.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        page = client.get(category.get_absolute_url())
        home = client.get("/az/")
    assert page.context["page_obj"].object_list[0].pk == scheduled.pk
    assert page.context["page_obj"].paginator.count == 4
    assert "Planlı xəbər" in home.content.decode()


def test_only_written_filter_pages_the_same_way(client):
    category = CategoryFactory()
    ArticleFactory.create_batch(25, category=category)
    ArticleFactory.create_batch(5, category=category, title_en="", body_en="")
    response = client.get(f"/en/{category.slug_en}/?only=en&page=2")
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 5
    assert response.context["page_obj"].paginator.count == 25


def render_pagination(number, pages, extra_query=""):
    page = Paginator(range(pages), 1).page(number)
    template = Template("{% load pagination %}{% pagination page extra %}")
    return template.render(Context({"page": page, "extra": extra_query}))


def test_page_links_mark_the_current_page_and_elide_long_ranges():
    with override("en"):
        text = render_pagination(10, 40, "q=a&b&")
    nav = BeautifulSoup(text, "html.parser").nav
    assert nav["aria-label"] == "Pages"
    items = [li.get_text(" ", strip=True) for li in nav.find_all("li")]
    assert items == [
        "Previous", "Page 1", "Page 2", "…", "Page 7", "Page 8", "Page 9", "10",
        "Page 11", "Page 12", "Page 13", "…", "Page 39", "Page 40", "Next",
    ]  # fmt: skip
    assert nav.select_one('[aria-current="page"]').get_text() == "10"
    assert nav.select_one('a[rel="prev"]')["href"] == "?q=a&b&page=9"
    assert nav.select_one('a[rel="next"]')["href"] == "?q=a&b&page=11"
    # The extra query is escaped in the markup (the parser above unescaped it).
    assert 'href="?q=a&amp;b&amp;page=9"' in text


def test_page_links_in_azerbaijani_and_none_for_a_single_page():
    with override("az"):
        text = render_pagination(1, 3)
    assert 'aria-label="Səhifələr"' in text
    assert '<span class="visually-hidden">Səhifə</span> 2</a>' in text
    assert "Növbəti" in text
    assert "Əvvəlki" not in text  # no previous page on page 1
    assert render_pagination(1, 1) == ""


@pytest.mark.postgres
def test_long_listings_seek_deep_pages_from_marks(monkeypatch, category_with_ties):
    """Past 2 x MARK_EVERY entries a page's boundary is sought from the mark above it,
    one pass over the listing's index per content version: the same pages, and no
    boundary reads more than MARK_EVERY entries."""
    monkeypatch.setattr(selectors, "MARK_EVERY", 7)
    expected = reference_order(category_with_ties)
    with CaptureQueriesContext(connection) as queries:
        pages = [page_ids(category_with_ties, number) for number in range(1, 5)]
    assert [pk for page in pages for pk in page] == expected
    passes = [query["sql"] for query in queries if "row_number()" in query["sql"]]
    assert len(passes) == 1
    offsets = [
        int(query["sql"].rsplit("OFFSET ", 1)[1].split()[0])
        for query in queries
        if "OFFSET" in query["sql"]
    ]
    assert len(offsets) == 3  # pages 2 to 4
    assert max(offsets) < 7
    marks = selectors.listing_page(2, category_with_ties).paginator.marks()
    assert marks[0][1] == expected[0]
    assert [pk for _at, pk in marks] == expected[::7]
