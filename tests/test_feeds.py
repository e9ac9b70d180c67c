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


def queries_of(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("size", [3, 40])
def test_feed_query_count_is_fixed(client, size):
    category = CategoryFactory()
    ArticleFactory.create_batch(size, category=category)
    category_feed = f"/az/{category.slug_az}/rss/"
    client.get(category_feed)  # the content version and the menu are known
    # First asked for: its entries (the category comes from the cached menu) ...
    assert queries_of(client, "/az/rss/") == 1
    assert queries_of(client, "/en/atom/") == 1
    # ... then the rendered feed is cached per content version and language.
    assert queries_of(client, "/az/rss/") == 0
    assert queries_of(client, "/en/atom/") == 0
    assert queries_of(client, category_feed) == 0


def test_a_cached_feed_shows_a_new_article_at_once(
    client, content, django_capture_on_commit_callbacks
):
    events, _meetings = content
    paths = ["/en/rss/", "/en/events/rss/", "/en/events/atom/"]
    for path in paths:
        before = fetch(client, path)[0].content
        assert fetch(client, path)[0].content == before  # now from the cache
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(category=events, title_en="Just published", published_at=timezone.now())
    for path in paths:
        _response, parsed = fetch(client, path)
        assert parsed.entries[0].title == "Just published", path
    # The Azerbaijani feed is cached apart and shows its own language's title.
    assert "Just published" not in fetch(client, "/az/rss/")[0].content.decode()


def test_a_cached_feed_keeps_the_host_it_was_asked_for(client, content, settings):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example"]
    _response, parsed = fetch(client, "/en/rss/")
    assert parsed.entries[0].id.startswith("http://testserver/")
    response = client.get("/en/rss/", HTTP_HOST="mirror.example")
    assert feedparser.parse(response.content).entries[0].id.startswith("http://mirror.example/")


def test_atom_feeds_name_the_committee_as_author(client, content):
    _response, parsed = fetch(client, "/en/atom/")
    assert parsed.feed.author == (
        "State Committee for Affairs of Refugees and Internally Displaced Persons"
    )
    assert parsed.feed.author_detail.href == "http://testserver/en/"
    _response, parsed = fetch(client, "/az/atom/")
    assert "Dövlət Komitəsi" in parsed.feed.author


@pytest.mark.parametrize("path", ["/en/rss/", "/en/atom/"])
def test_english_feeds_mark_azerbaijani_entries_and_offer_english_only(client, content, path):
    response, _parsed = fetch(client, path)
    text = response.content.decode()
    assert text.count('xml:lang="az"') == 1  # the article only in Azerbaijani
    marked = text.split('xml:lang="az"')[1]
    assert marked.split("</title>")[0].endswith("Fləşmob")
    _response, only = fetch(client, f"{path}?only=en")
    assert "Fləşmob" not in [entry.title for entry in only.entries]
    assert len(only.entries) == 2


def test_azerbaijani_feeds_mark_nothing(client, content):
    response, _parsed = fetch(client, "/az/rss/")
    assert "xml:lang" not in response.content.decode()


@pytest.mark.parametrize("language", ["az", "en"])
def test_feeds_name_a_stylesheet_that_explains_them_in_the_page_language(client, language):
    body = client.get(f"/{language}/rss/").content.decode()
    assert f'<?xml-stylesheet href="/{language}/feed.xsl" media="screen" type="text/xsl"?>' in body
    response = client.get(f"/{language}/feed.xsl")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xsl")
    xsl = response.content.decode()
    assert f'<html lang="{language}">' in xsl
    explained = "Bu, xəbər lentidir" if language == "az" else "This is a news feed"
    assert explained in xsl
    # Well-formed XSLT: a browser refuses anything else.
    assert feedparser.parse(response.content).bozo == 0


def test_entries_with_a_photo_carry_it_as_an_enclosure(client, content, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.base import ContentFile

    from news.demo_photos import draw_photo

    article = ArticleFactory(title_en="With a photo")
    article.photo.save("photo.jpg", ContentFile(draw_photo(1)), save=True)
    _response, parsed = fetch(client, "/en/rss/")
    entry = next(entry for entry in parsed.entries if entry.title == "With a photo")
    (enclosure,) = entry.enclosures
    assert enclosure.href.startswith("http://testserver/media/articles/")
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == article.photo.size
    _response, parsed = fetch(client, "/en/atom/")
    entry = next(entry for entry in parsed.entries if entry.title == "With a photo")
    assert entry.enclosures[0].href == enclosure.href


def test_feed_descriptions_keep_paragraphs_apart(client):
    ArticleFactory(
        title_en="Two paragraphs", lead_en="", body_en="<p>Held in Lachin.</p><p>Staff</p>"
    )
    _response, parsed = fetch(client, "/en/rss/")
    assert parsed.entries[0].summary == "Held in Lachin. Staff"


def test_the_feeds_page_lists_every_feed_in_the_page_language(client, content):
    events, _meetings = content
    text = client.get("/en/feeds/").content.decode()
    assert 'href="/en/rss/"' in text
    assert 'href="/en/rss/?only=en"' in text
    assert f'href="/en/{events.slug_en}/atom/"' in text
    az = client.get("/az/lentler/").content.decode()
    assert "Xəbər lentləri" in az
    assert 'href="/az/atom/"' in az
