"""Readers of the English side can list only the articles really written in English."""

import pytest
from bs4 import BeautifulSoup

from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    azerbaijani_only,
    english_only,
    make_translator,
)
from translators import services
from translators.registry import ARTICLE

pytestmark = pytest.mark.django_db


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def listed(page):
    return {
        item.get_text(strip=True)
        for item in page.select(".date-list--listing li a[href*='/news/']")
    }


@pytest.fixture
def articles():
    category = CategoryFactory(name_en="Events")
    return {
        "bilingual": ArticleFactory(title_en="Bilingual", category=category),
        "english": english_only(title_en="English only", category=category),
        "azerbaijani": azerbaijani_only(title_az="Yalnız azərbaycanca", category=category),
    }


def test_the_english_listing_offers_the_filter_and_the_azerbaijani_one_does_not(client, articles):
    english = soup(client.get("/en/news/"))
    link = english.select_one(".listing-filter a")
    assert link["href"] == "?only=en"
    assert "only articles in English" in link.get_text()
    assert soup(client.get("/az/news/")).select_one(".listing-filter") is None


def test_only_english_hides_azerbaijani_only_articles(client, articles):
    everything = listed(soup(client.get("/en/news/")))
    assert {"Bilingual", "English only", "Yalnız azərbaycanca"} <= everything
    page = soup(client.get("/en/news/?only=en"))
    assert listed(page) == {"Bilingual", "English only"}
    assert page.select_one(".listing-filter a")["href"] == "?"


def test_only_english_works_in_a_category(client, articles):
    category = articles["bilingual"].category
    page = soup(client.get(f"/en/{category.slug_en}/?only=en"))
    assert listed(page) == {"Bilingual", "English only"}


def test_only_english_keeps_the_filter_across_pages(client):
    for number in range(25):
        ArticleFactory(title_en=f"English {number}")
    azerbaijani_only()
    page = soup(client.get("/en/news/?only=en"))
    next_link = page.select_one('.pagination a[rel="next"]')
    assert next_link["href"].startswith("?only=en&")
    second = soup(client.get("/en/news/" + next_link["href"]))
    assert len(listed(second)) == 5


def test_a_translation_moves_an_article_into_the_english_listing_and_drops_the_hint(client):
    article = azerbaijani_only(title_az="Yeni evlər")
    page = soup(client.get(article.get_absolute_url("en")))
    assert page.find("article")["lang"] == "az"
    assert "available only in Azerbaijani" in page.get_text()
    assert "Yeni evlər" not in listed(soup(client.get("/en/news/?only=en")))

    services.save_translation(
        ARTICLE,
        article,
        "en",
        {"title": "New homes", "body": "<p>Text.</p>"},
        user=make_translator(),
    )
    page = soup(client.get(article.get_absolute_url("en")))
    assert not page.find("article").has_attr("lang")
    assert "available only in Azerbaijani" not in page.get_text()
    assert page.h1.get_text(strip=True) == "New homes"
    assert "New homes" in listed(soup(client.get("/en/news/?only=en")))
