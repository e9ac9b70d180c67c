"""Sharing metadata: titles and descriptions everywhere, Open Graph, Twitter, JSON-LD."""

import json

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile

from portal.management.commands.load_demo import draw_photo
from portal.models import StaticPage
from tests.factories import ArticleFactory, CategoryFactory, azerbaijani_only

pytestmark = pytest.mark.django_db

SITE_SUFFIX = {
    "az": "Qaçqınların və Məcburi Köçkünlərin İşləri üzrə Dövlət Komitəsi",
    "en": "State Committee for Affairs of Refugees and IDPs",
}


def soup(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return BeautifulSoup(response.content, "html.parser")


def meta(page, **attrs):
    tag = page.find("meta", attrs=attrs)
    return tag["content"] if tag else None


@pytest.fixture
def article():
    article = ArticleFactory(
        title_az="Xankəndi sakinləri ilə görüş",
        title_en="A meeting with Khankendi residents",
        lead_az="Sədr Xankəndi sakinləri ilə görüşüb.",
        lead_en="The chairman met residents of Khankendi.",
        photo_alt_en="The meeting hall",
    )
    article.photo.save("meta.jpg", ContentFile(draw_photo(1, size=(400, 250))), save=True)
    return article


def test_article_has_open_graph_and_twitter_tags_with_absolute_urls(client, article):
    page = soup(client, article.get_absolute_url("en"))
    url = "http://testserver" + article.get_absolute_url("en")
    assert meta(page, property="og:type") == "article"
    assert meta(page, property="og:title") == "A meeting with Khankendi residents"
    assert meta(page, property="og:description") == "The chairman met residents of Khankendi."
    assert meta(page, property="og:url") == url
    assert meta(page, property="og:locale") == "en_GB"
    assert meta(page, property="og:locale:alternate") == "az_AZ"
    image = meta(page, property="og:image")
    assert image.startswith("http://testserver/media/articles/")
    assert meta(page, property="og:image:width") == "400"
    assert meta(page, property="og:image:alt") == "The meeting hall"
    assert meta(page, name="twitter:card") == "summary_large_image"
    assert meta(page, name="twitter:image") == image
    assert meta(page, name="twitter:title") == "A meeting with Khankendi residents"
    assert meta(page, property="article:published_time").startswith(str(article.published_at.year))


def test_article_without_a_photo_shares_the_site_image(client):
    article = ArticleFactory(lead_en="")
    page = soup(client, article.get_absolute_url("en"))
    assert meta(page, name="twitter:card") == "summary_large_image"
    assert meta(page, property="og:image").startswith("http://testserver/static/img/share")
    assert meta(page, property="og:image:width") == "1200"
    assert meta(page, property="og:image:height") == "630"
    assert meta(page, name="twitter:image") == meta(page, property="og:image")
    # No lead: the description is the start of the body.
    assert meta(page, property="og:description") == "The text of the news."


def json_ld(page, kind="NewsArticle"):
    scripts = page.find_all("script", attrs={"type": "application/ld+json"})
    found = [json.loads(script.string) for script in scripts]
    found = [data for data in found if data.get("@type") == kind]
    assert len(found) == 1
    return found[0]


def test_article_has_news_article_json_ld(client, article):
    data = json_ld(soup(client, article.get_absolute_url("az")))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Xankəndi sakinləri ilə görüş"
    assert data["inLanguage"] == "az"
    assert data["datePublished"] == article.published_at.isoformat()
    assert data["image"][0].startswith("http://testserver/media/")
    assert data["mainEntityOfPage"]["@id"] == "http://testserver" + article.get_absolute_url("az")
    assert data["publisher"]["logo"]["url"].startswith("http://testserver/static/")


def test_fallback_article_metadata_is_in_the_language_shown(client):
    article = azerbaijani_only(title_az="Fləşmob keçirilib", lead_az="Gənclər fləşmob edib.")
    page = soup(client, article.get_absolute_url("en"))
    assert meta(page, property="og:title") == "Fləşmob keçirilib"
    assert meta(page, property="og:locale") == "az_AZ"
    assert json_ld(page)["inLanguage"] == "az"


def test_json_ld_cannot_be_broken_out_of(client):
    evil = '</script><script>alert("x")</script><!--'
    article = ArticleFactory(title_en=evil, lead_en=evil)
    response = client.get(article.get_absolute_url("en"))
    text = response.content.decode()
    assert '<script>alert("x")' not in text
    block = text.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block
    assert json.loads(block)["headline"] == evil


@pytest.mark.parametrize("language", ["az", "en"])
def test_every_page_has_a_meaningful_title_and_description(client, language):
    category = CategoryFactory(name_az="Tədbirlər", name_en="Events")
    article = ArticleFactory(category=category, published_at="2024-07-10T12:00:00+04:00")
    static = StaticPage(title_az="Komitə haqqında", title_en="About the Committee")
    static.save()
    prefix = f"/{language}/"
    search = "axtaris" if language == "az" else "search"
    archive = "arxiv" if language == "az" else "archive"
    appeal = "muraciet" if language == "az" else "appeal"
    paths = [
        prefix,
        f"{prefix}news/",
        f"{prefix}{category.slug_for(language)}/",
        article.get_absolute_url(language),
        f"{prefix}{search}/?q=test",
        f"{prefix}{archive}/",
        f"{prefix}{archive}/2024/",
        f"{prefix}{archive}/2024/07/",
        f"{prefix}{appeal}/",
    ]
    titles = set()
    for path in paths:
        page = soup(client, path)
        title = page.title.string.strip()
        assert title.endswith(SITE_SUFFIX[language]), (path, title)
        assert len(title) > len(SITE_SUFFIX[language]) + 3, path
        titles.add(title)
        description = meta(page, name="description")
        assert description, path
        # An article's is its own summary, however short (the factory's body is).
        assert len(description) > 20 or path == article.get_absolute_url(language), path
        assert len(page.find_all("h1")) == 1, path
    assert len(titles) == len(paths)  # no two pages share a title


def test_every_page_has_a_share_image_and_x_default(client, article):
    plain = ArticleFactory()
    static = StaticPage(title_az="Əlaqə", title_en="Contacts")
    static.save()
    for path in ["/az/", "/en/news/", plain.get_absolute_url("en"), static.get_absolute_url()]:
        page = soup(client, path)
        assert meta(page, property="og:image").startswith("http://testserver/"), path
        x_default = page.find("link", rel="alternate", hreflang="x-default")
        assert x_default is not None, path
        assert "/az/" in x_default["href"], path
        assert client.get(x_default["href"]).status_code == 200, path


def test_descriptions_are_each_pages_own_summary(client):
    article = ArticleFactory(
        lead_en="",
        body_en="<p>The event was held in Lachin.</p><p>Staff of the State Committee took part.</p>",  # noqa: E501
    )
    page = soup(client, article.get_absolute_url("en"))
    description = "The event was held in Lachin. Staff of the State Committee took part."
    assert meta(page, name="description") == description
    assert meta(page, property="og:description") == description
    assert json_ld(page)["description"] == description
    static = StaticPage(
        title_az="Əlaqə", title_en="Contacts", body_en="<p>Call us.</p><p>Write to us.</p>"
    )
    static.save()
    en_page = soup(client, "/en" + static.get_absolute_url()[3:])
    assert meta(en_page, name="description") == "Call us. Write to us."


def test_home_has_website_and_organization_json_ld(client):
    ArticleFactory()
    page = soup(client, "/en/")
    scripts = [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]
    (graph,) = [data["@graph"] for data in scripts if "@graph" in data]
    kinds = {node["@type"] for node in graph}
    assert kinds == {"WebSite", "GovernmentOrganization"}
    website = next(node for node in graph if node["@type"] == "WebSite")
    assert website["potentialAction"]["target"]["urlTemplate"].startswith(
        "http://testserver/en/search/?q="
    )
    assert meta(page, property="og:title")
    assert meta(page, property="og:type") == "website"


def test_articles_have_breadcrumb_json_ld(client, article):
    page = soup(client, article.get_absolute_url("en"))
    crumbs = json_ld(page, "BreadcrumbList")["itemListElement"]
    assert [item["position"] for item in crumbs] == [1, 2, 3]
    assert crumbs[0]["item"] == "http://testserver/en/"
    assert crumbs[2]["item"] == "http://testserver" + article.get_absolute_url("en")
