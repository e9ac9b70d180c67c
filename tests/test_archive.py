"""The archive: months with counts, month pages, per category, and odd dates."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db

BAKU = ZoneInfo("Asia/Baku")


def at(year, month, day, hour=12):
    return datetime.datetime(year, month, day, hour, tzinfo=BAKU)


@pytest.fixture
def archive():
    events = CategoryFactory(name_az="Tədbirlər", name_en="Events")
    meetings = CategoryFactory(name_az="Görüşlər", name_en="Meetings")
    ArticleFactory(category=events, published_at=at(2024, 7, 24), title_az="İyul tədbiri")
    ArticleFactory(category=events, published_at=at(2024, 7, 10))
    ArticleFactory(category=meetings, published_at=at(2024, 7, 1, 1))  # 30 June 21:00 UTC
    ArticleFactory(category=meetings, published_at=at(2024, 6, 5))
    ArticleFactory(category=events, published_at=at(2023, 9, 27))
    ArticleFactory(category=events, published_at=at(2024, 8, 2), status="draft")
    return events, meetings


def test_index_lists_every_month_with_its_count(client, archive):
    response = client.get("/az/arxiv/")
    assert response.status_code == 200
    assert response.context["years"] == [
        (2024, [(7, 3), (6, 1)], 4),
        (2023, [(9, 1)], 1),
    ]
    text = response.content.decode()
    assert 'href="/az/arxiv/2024/07/"' in text
    assert "iyul 2024" in text
    assert (
        'hreflang="az" href="http://testserver/az/arxiv/"'
        in client.get("/en/archive/").content.decode()
    )


def test_months_are_counted_in_baku_time(client, archive):
    # 01:00 on 1 July in Baku is still June in UTC: it belongs to July here.
    page = client.get("/en/archive/2024/07/")
    assert page.status_code == 200
    assert len(page.context["page_obj"].object_list) == 3
    assert "July 2024" in page.content.decode()


def test_year_page_shows_only_that_year(client, archive):
    response = client.get("/az/arxiv/2024/")
    assert response.status_code == 200
    assert response.context["years"] == [(2024, [(7, 3), (6, 1)], 4)]


def test_month_page_lists_that_months_published_news(client, archive):
    response = client.get("/az/arxiv/2024/07/")
    titles = [str(article.text("title")) for article in response.context["page_obj"]]
    assert "İyul tədbiri" in titles
    assert len(titles) == 3
    # The draft of August is not there, and August has no page content.
    assert list(client.get("/az/arxiv/2024/08/").context["page_obj"].object_list) == []


def test_archive_within_a_category(client, archive):
    response = client.get("/az/tedbirler/arxiv/")
    assert response.status_code == 200
    assert response.context["years"] == [(2024, [(7, 2)], 2), (2023, [(9, 1)], 1)]
    month = client.get("/en/events/archive/2024/07/")
    assert month.status_code == 200
    assert len(month.context["page_obj"].object_list) == 2
    assert '/az/tedbirler/arxiv/2024/07/"' in month.content.decode()
    # The other language's slug redirects to this language's.
    redirect = client.get("/en/tedbirler/archive/2024/07/")
    assert redirect.status_code == 301
    assert redirect["Location"] == "/en/events/archive/2024/07/"
    assert client.get("/az/no-such-category/arxiv/").status_code == 404


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/az/arxiv/2024/13/", 404),
        ("/az/arxiv/2024/00/", 404),
        ("/az/arxiv/0/1/", 404),
        ("/az/arxiv/0/", 404),
        ("/az/arxiv/99999999999999999999999/01/", 404),
        ("/az/arxiv/2024/123/", 404),
        ("/az/arxiv/2024/-1/", 404),
        ("/az/arxiv/abcd/01/", 404),
        ("/az/arxiv/2024/07/?page=99", 404),
        ("/az/arxiv/2024/07/?page=x", 404),
        ("/az/arxiv/1990/", 200),  # a year with no news: an empty, proper page
        ("/az/arxiv/1990/02/", 200),
        ("/en/archive/2999/12/", 200),
        ("/az/arxiv/3000/01/", 404),
    ],
)
def test_odd_archive_urls_get_a_proper_answer(client, archive, path, status):
    response = client.get(path)
    assert response.status_code == status
    text = response.content.decode()
    assert text.count("<h1") == 1
    if status == 200 and "1990" in path:
        assert "1990" in text


def test_archive_month_url_has_two_digits():
    from django.urls import reverse
    from django.utils.translation import override

    with override("az"):
        assert reverse("news:archive_month", args=[2024, 7]) == "/az/arxiv/2024/07/"
    with override("en"):
        assert reverse("news:archive_month", args=[2024, 7]) == "/en/archive/2024/07/"


@pytest.mark.parametrize("size", [3, 45])
def test_archive_query_counts_are_fixed(client, size):
    category = CategoryFactory()
    for day in range(size):
        ArticleFactory(category=category, published_at=at(2024, 1 + day % 12, 1 + day % 28))
    for path, expected in [
        ("/az/arxiv/", 0),  # the month counts are cached with the frame
        ("/az/arxiv/2024/03/", 2),  # the page count, the page's rows
        (f"/az/{category.slug_az}/arxiv/2024/", 0),
        (f"/az/{category.slug_az}/arxiv/2024/03/", 2),
    ]:
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        assert len(queries) == expected, (path, [q["sql"] for q in queries])
