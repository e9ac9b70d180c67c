"""Topics and places: tag pages in both languages with seek pagination, feeds and
sitemap entries; tags shown on articles; listings with thumbnail, lead and breadcrumbs."""

import datetime
import io

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news import selectors
from news.models import Article, Tag
from tests.factories import ArticleFactory, CategoryFactory, azerbaijani_only

pytestmark = pytest.mark.django_db


@pytest.fixture
def lachin():
    return Tag.objects.create(name_az="Laçın", name_en="Lachin", kind=Tag.Kind.PLACE)


@pytest.fixture
def great_return():
    return Tag.objects.create(name_az="Böyük Qayıdış", name_en="Great Return")


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_a_place_has_a_page_in_each_language(client, lachin):
    article = ArticleFactory(title_az="Laçında tədbir", title_en="An event in Lachin")
    article.tags.add(lachin)
    ArticleFactory(title_az="Başqa xəbər", title_en="Other news")
    az = soup(client.get("/az/movzular/lacin/"))
    assert az.h1.get_text(strip=True) == "Laçın"
    assert [a.get_text(strip=True) for a in az.select(".listing-item__title a")] == [
        "Laçında tədbir"
    ]
    en = soup(client.get("/en/topics/lachin/"))
    assert en.h1.get_text(strip=True) == "Lachin"
    assert "Place" in en.select_one(".topic-kind").get_text()
    alternates = {link["hreflang"]: link["href"] for link in en.select("link[hreflang]")}
    assert alternates["az"].endswith("/az/movzular/lacin/")
    assert alternates["x-default"] == alternates["az"]


def test_a_slug_of_the_other_language_redirects_and_an_unknown_one_is_a_404(client, lachin):
    response = client.get("/en/topics/lacin/")
    assert response.status_code == 301
    assert response["Location"] == "/en/topics/lachin/"
    assert client.get("/en/topics/no-such-topic/").status_code == 404


def test_topic_pages_are_seek_paginated_with_a_fixed_query_count(client, lachin):
    articles = ArticleFactory.create_batch(45)
    for article in articles:
        article.tags.add(lachin)
    first = soup(client.get("/en/topics/lachin/"))
    assert len(first.select(".listing-item")) == 20
    client.get("/en/topics/lachin/?page=3")  # warm
    with CaptureQueriesContext(connection) as queries:
        third = soup(client.get("/en/topics/lachin/?page=3"))
    assert len(third.select(".listing-item")) == 5
    assert len(queries) == 0
    assert client.get("/en/topics/lachin/?page=9").status_code == 404
    assert client.get("/en/topics/lachin/?page=x").status_code == 404


def test_only_published_articles_are_listed_under_a_topic(client, lachin):
    shown = ArticleFactory(title_en="Shown")
    hidden = ArticleFactory(title_en="Draft", status=Article.Status.DRAFT)
    later = ArticleFactory(
        title_en="Later", published_at=timezone.now() + datetime.timedelta(days=1)
    )
    for article in (shown, hidden, later):
        article.tags.add(lachin)
    page = soup(client.get("/en/topics/lachin/"))
    assert [a.get_text(strip=True) for a in page.select(".listing-item__title a")] == ["Shown"]
    assert selectors.topics() == [(lachin, 1)]


def test_the_topics_page_lists_topics_then_places_with_their_counts(client, lachin, great_return):
    for tag in (lachin, great_return):
        ArticleFactory().tags.add(tag)
    page = soup(client.get("/az/movzular/"))
    names = [a.get_text(strip=True) for a in page.select(".tag-list__tag")]
    assert names == ["Böyük Qayıdış", "Laçın"]
    assert "(1)" in page.select_one(".tag-list__count").get_text()


def test_articles_show_their_tags_linked_to_their_pages(client, lachin, great_return):
    article = ArticleFactory()
    article.tags.add(lachin, great_return)
    page = soup(client.get(article.get_absolute_url("en")))
    links = {a.get_text(strip=True): a["href"] for a in page.select(".article-tags a")}
    assert links == {"Great Return": "/en/topics/great-return/", "Lachin": "/en/topics/lachin/"}


def test_topic_feeds_validate_and_list_the_topic_only(client, lachin):
    tagged = ArticleFactory(title_en="Tagged")
    tagged.tags.add(lachin)
    ArticleFactory(title_en="Untagged")
    for path, version in [
        ("/en/topics/lachin/rss/", "rss20"),
        ("/az/movzular/lacin/atom/", "atom10"),
    ]:
        response = client.get(path)
        assert response.status_code == 200
        parsed = feedparser.parse(response.content)
        assert parsed.bozo == 0
        assert parsed.version == version
        assert len(parsed.entries) == 1
    page = soup(client.get("/en/topics/lachin/"))
    assert page.select_one('link[type="application/rss+xml"][href="/en/topics/lachin/rss/"]')


def test_topics_are_in_the_sitemap_in_both_languages(client, lachin):
    ArticleFactory().tags.add(lachin)
    Tag.objects.create(name_az="Boş", name_en="Empty")  # no news: not listed
    body = client.get("/sitemap-topics.xml").content.decode()
    assert "http://testserver/az/movzular/lacin/" in body
    assert "http://testserver/en/topics/lachin/" in body
    assert "http://testserver/en/topics/" in body
    assert "empty" not in body


def test_listings_show_thumbnail_lead_and_breadcrumbs_without_repeating_the_section(client):
    events = CategoryFactory(name_az="Tədbirlər", name_en="Events")
    ArticleFactory(category=events, lead_en="A short lead about the event.")
    section = soup(client.get("/en/events/"))
    lead = section.select_one(".listing-item__lead").get_text(strip=True)
    assert lead == "A short lead about the event."
    # The section's own page does not repeat its name on every line.
    assert "Events" not in section.select_one(".listing").get_text()
    assert section.select(".breadcrumbs a")[0]["href"] == "/en/"
    everything = soup(client.get("/en/news/"))
    assert "Events" in everything.select_one(".listing-item__meta").get_text()
    assert everything.select_one(".listing-item__lead")


def test_the_archive_and_topics_are_in_the_menu(client):
    page = soup(client.get("/en/news/"))
    menu = [a["href"] for a in page.select(".main-nav--bar a")]
    assert "/en/archive/" in menu


def test_the_demo_content_is_tagged_with_places_and_topics(db):
    call_command("load_demo", stdout=io.StringIO())
    khankendi = Article.objects.get(slug_en__startswith="a-meeting-was-held-with-azerbaijani")
    assert {tag.name_en for tag in khankendi.tags.all()} >= {"Khankendi", "Great Return"}
    lachin = Tag.objects.get(name_en="Lachin")
    assert lachin.kind == Tag.Kind.PLACE
    assert lachin.articles.count() >= 2
    assert not azerbaijani_only().tags.exists()
    call_command("load_demo", stdout=io.StringIO())
    assert Tag.objects.filter(name_en="Lachin").count() == 1
