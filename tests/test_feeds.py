"""RSS 2.0 and Atom feeds per language and category: valid, dated, published only."""

import datetime
import email.utils

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import ArticleFactory, CategoryFactory, azerbaijani_only

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    events = CategoryFactory(name_az="Tədbirlər", name_en="Events")
    meetings = CategoryFactory(name_az="Görüşlər", name_en="Meetings")
    ArticleFactory(category=events, title_az="Laçında tədbir", title_en="An event in Lachin")
    ArticleFactory(
        category=meetings,
        title_az="Görüş <keçirilib> & başa çatıb",
        title_en="A meeting <held> & over",
        lead_en="Residents of Khankendi met the chairman.",
    )
    azerbaijani_only(category=events, title_az="Fləşmob", body_az="<p>Milli Qurtuluş Günü.</p>")
    ArticleFactory(category=events, title_az="Qaralama", status="draft")
    ArticleFactory(title_az="Gələcək", published_at=timezone.now() + datetime.timedelta(days=1))
    return events, meetings


def fetch(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
    return response, parsed


@pytest.mark.parametrize(
    ("path", "version"),
    [
        ("/az/rss/", "rss20"),
        ("/en/rss/", "rss20"),
        ("/az/atom/", "atom10"),
        ("/en/atom/", "atom10"),
    ],
)
def test_feeds_validate_and_list_published_news_only(client, content, path, version):
    _response, parsed = fetch(client, path)
    assert parsed.version == version
    titles = [entry.title for entry in parsed.entries]
    assert len(titles) == 3
    assert "Qaralama" not in titles
    assert "Gələcək" not in titles
    language = path.split("/")[1]
    assert parsed.feed.get("language", language) == language
    for entry in parsed.entries:
        assert entry.link.startswith(f"http://testserver/{language}/news/")
        assert entry.published_parsed is not None
        assert entry.id.startswith("http://testserver/")


def test_rss_dates_are_rfc_822(client, content):
    response, parsed = fetch(client, "/en/rss/")
    for entry in parsed.entries:
        assert email.utils.parsedate_to_datetime(entry.published).tzinfo is not None
    text = response.content.decode()
    assert "<pubDate>" in text
    assert response["Content-Type"].startswith("application/rss+xml")


def test_atom_dates_are_rfc_3339(client, content):
    _response, parsed = fetch(client, "/az/atom/")
    for entry in parsed.entries:
        datetime.datetime.fromisoformat(entry.updated)
        datetime.datetime.fromisoformat(entry.published)


def test_titles_and_descriptions_fall_back_and_are_escaped(client, content):
    _response, parsed = fetch(client, "/en/rss/")
    titles = [entry.title for entry in parsed.entries]
    assert "Fləşmob" in titles  # only in Azerbaijani: shown as the site shows it
    assert "A meeting <held> & over" in titles
    summaries = [entry.summary for entry in parsed.entries]
    assert "Residents of Khankendi met the chairman." in summaries
    assert "Milli Qurtuluş Günü." in summaries


def test_category_feeds(client, content):
    _response, parsed = fetch(client, "/en/events/rss/")
    assert {entry.title for entry in parsed.entries} == {"An event in Lachin", "Fləşmob"}
    _response, parsed = fetch(client, "/az/gorusler/atom/")
    assert [entry.title for entry in parsed.entries] == ["Görüş <keçirilib> & başa çatıb"]
    assert client.get("/az/no-such-category/rss/").status_code == 404


def test_pages_link_their_feeds(client, content):
    text = client.get("/az/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in text
    assert 'href="/az/rss/"' in text
    assert 'href="/az/atom/"' in text
    category_page = client.get("/en/events/").content.decode()
    assert 'href="/en/events/rss/"' in category_page


@pytest.mark.parametrize("size", [3, 40])
def test_feed_query_count_is_fixed(client, size):
    category = CategoryFactory()
    ArticleFactory.create_batch(size, category=category)
    client.get(f"/az/{category.slug_az}/rss/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/az/rss/")
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/az/{category.slug_az}/rss/")
    assert len(queries) == 1  # the category comes from the cached menu
