"""A missing translation falls back to the other language, and says so."""

import pytest
from bs4 import BeautifulSoup

from tests.factories import ArticleFactory, azerbaijani_only, english_only

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_english_page_of_an_azerbaijani_only_article_marks_the_text(client):
    article = azerbaijani_only(title_az="Xankəndi sakinləri ilə görüş")
    page = soup(client.get(article.get_absolute_url("en")))
    assert page.html["lang"] == "en"
    article_element = page.find("article")
    assert article_element["lang"] == "az"
    assert page.h1.get_text(strip=True) == "Xankəndi sakinləri ilə görüş"
    assert "available only in Azerbaijani" in page.get_text()


def test_azerbaijani_page_of_an_english_only_article_marks_the_text(client):
    article = english_only(title_en="Khankendi residents met")
    page = soup(client.get(article.get_absolute_url("az")))
    assert page.html["lang"] == "az"
    assert page.find("article")["lang"] == "en"
    assert "yalnız ingilis dilində" in page.get_text()


def test_listing_rows_mark_fallback_titles(client):
    azerbaijani_only(title_az="Yalnız azərbaycanca xəbər")
    ArticleFactory(title_en="Bilingual news")
    page = soup(client.get("/en/news/"))
    fallback = page.find("a", string="Yalnız azərbaycanca xəbər")
    assert fallback["lang"] == "az"
    assert "in Azerbaijani" in fallback.parent.get_text()
    bilingual = page.find("a", string="Bilingual news")
    assert not bilingual.has_attr("lang")


def test_category_names_are_translated_on_english_pages(client):
    article = ArticleFactory(category__name_az="Tədbirlər", category__name_en="Events")
    text = client.get(article.get_absolute_url("en")).content.decode()
    assert "Events" in text
    assert "Tədbirlər" not in text


def test_fallback_page_points_canonical_at_the_original(client):
    article = azerbaijani_only()
    page = soup(client.get(article.get_absolute_url("en")))
    canonical = page.find("link", rel="canonical")["href"]
    assert canonical.endswith(article.get_absolute_url("az"))
    hreflangs = {
        link["hreflang"] for link in page.find_all("link", rel="alternate") if link.get("hreflang")
    }
    # x-default too: the Azerbaijani page, the only one this article has.
    assert hreflangs == {"az", "x-default"}
    x_default = page.find("link", rel="alternate", hreflang="x-default")["href"]
    assert x_default.endswith(article.get_absolute_url("az"))


def test_bilingual_article_has_both_alternates(client):
    article = ArticleFactory()
    page = soup(client.get(article.get_absolute_url("en")))
    hreflangs = {
        link["hreflang"] for link in page.find_all("link", rel="alternate") if link.get("hreflang")
    }
    assert hreflangs == {"az", "en", "x-default"}
    x_default = page.find("link", rel="alternate", hreflang="x-default")["href"]
    assert x_default.endswith(article.get_absolute_url("az"))
    assert page.find("link", rel="canonical")["href"].endswith(article.get_absolute_url("en"))


def test_whitespace_only_translation_counts_as_missing(client):
    article = ArticleFactory(title_en="   ", body_en="  ")
    page = soup(client.get(article.get_absolute_url("en")))
    assert page.h1.get_text(strip=True) == article.title_az


def test_language_switch_leads_to_the_same_article(client):
    article = ArticleFactory()
    page = soup(client.get(article.get_absolute_url("az")))
    switch = page.find("nav", class_="language-switch").find("a", hreflang="en")
    response = client.get(switch["href"])
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url("en")
    assert response.cookies["portal_language"].value == "en"
