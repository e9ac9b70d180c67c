"""sitemap.xml: an index of paginated sections, both languages, hreflang, lastmod."""

import pytest
from defusedxml import ElementTree
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal import sitemaps
from portal.models import StaticPage
from tests.factories import ArticleFactory, CategoryFactory, azerbaijani_only, english_only

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


def xml(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def section(client, name, page=None):
    path = f"/sitemap-{name}.xml" + (f"?p={page}" if page else "")
    root = xml(client.get(path))
    urls = {}
    for url in root.findall("sm:url", NS):
        urls[url.findtext("sm:loc", namespaces=NS)] = {
            "lastmod": url.findtext("sm:lastmod", namespaces=NS),
            "alternates": {
                link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", NS)
            },
        }
    return urls


def test_index_outside_the_language_prefixes_lists_every_section(client):
    ArticleFactory()
    root = xml(client.get("/sitemap.xml"))
    locations = [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]
    assert locations == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-categories.xml",
        "http://testserver/sitemap-topics.xml",
        "http://testserver/sitemap-static.xml",
        "http://testserver/sitemap-news.xml",
    ]
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()


def test_articles_are_listed_in_the_languages_they_are_written_in(client):
    both = ArticleFactory(title_az="Hər iki dildə", title_en="In both languages")
    only_az = azerbaijani_only(title_az="Yalnız azərbaycanca")
    only_en = english_only(title_en="English only")
    ArticleFactory(status="draft")
    urls = section(client, "news")
    host = "http://testserver"
    both_az, both_en = host + both.get_absolute_url("az"), host + both.get_absolute_url("en")
    assert set(urls) == {
        both_az,
        both_en,
        host + only_az.get_absolute_url("az"),
        host + only_en.get_absolute_url("en"),
    }
    assert urls[both_az]["alternates"] == {
        "az": both_az,
        "en": both_en,
        # The Azerbaijani page itself (200), never an address that redirects.
        "x-default": both_az,
    }
    assert urls[both_en]["alternates"] == urls[both_az]["alternates"]
    # A single-language article names its only page as x-default too.
    assert urls[host + only_en.get_absolute_url("en")]["alternates"] == {
        "en": host + only_en.get_absolute_url("en"),
        "x-default": host + only_en.get_absolute_url("en"),
    }
    assert urls[both_az]["lastmod"] == timezone.localtime(both.updated_at).strftime("%Y-%m-%d")


def test_listing_and_static_pages_in_both_languages(client):
    CategoryFactory(name_az="Tədbirlər", name_en="Events")
    StaticPage(title_az="Əlaqə", title_en="Contacts").save()
    StaticPage(title_az="Gizli", title_en="Hidden", is_published=False).save()
    pages = section(client, "pages")
    assert "http://testserver/az/" in pages
    assert "http://testserver/en/news/" in pages
    assert "http://testserver/az/arxiv/" in pages
    assert "http://testserver/en/appeal/" in pages
    assert pages["http://testserver/az/"]["alternates"] == {
        "az": "http://testserver/az/",
        "en": "http://testserver/en/",
        "x-default": "http://testserver/az/",
    }
    categories = section(client, "categories")
    assert set(categories) == {"http://testserver/az/tedbirler/", "http://testserver/en/events/"}
    assert all(entry["lastmod"] for entry in categories.values())
    static = section(client, "static")
    assert len(static) == 2
    assert all("hidden" not in loc and "gizli" not in loc for loc in static)


def test_articles_are_paginated_for_large_archives(client, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 4)
    ArticleFactory.create_batch(10)
    root = xml(client.get("/sitemap.xml"))
    locations = [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]
    assert "http://testserver/sitemap-news.xml?p=3" in locations
    assert "http://testserver/sitemap-news.xml?p=4" not in locations
    assert len(section(client, "news", page=1)) == 8  # 4 articles x 2 languages
    assert len(section(client, "news", page=3)) == 4
    assert client.get("/sitemap-news.xml?p=4").status_code == 404
    assert client.get("/sitemap-news.xml?p=x").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


@pytest.mark.parametrize("size", [5, 60])
def test_article_sitemap_query_count_is_fixed(client, size):
    ArticleFactory.create_batch(size)
    client.get("/")  # warm the shared fragments
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/sitemap-news.xml")
    assert response.status_code == 200
    assert len(queries) == 2, [q["sql"][:90] for q in queries]  # the count, the page's rows
    with CaptureQueriesContext(connection) as queries:
        client.get("/sitemap.xml")
    # Per section with lastmod: its latest change and its page count; the topics
    # (portal.sitemaps.TopicSitemap, no lastmod): one.
    assert len(queries) == 7, [q["sql"][:90] for q in queries]


def test_sitemaps_are_cached_until_content_changes(client):
    ArticleFactory()
    first = client.get("/sitemap-news.xml")
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/sitemap-news.xml")
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["X-Robots-Tag"] == first["X-Robots-Tag"]
    assert len(queries) <= 1  # at most the content version check
    new = ArticleFactory(title_az="Təzə xəbər")
    assert new.get_absolute_url("az") in client.get("/sitemap-news.xml").content.decode()
