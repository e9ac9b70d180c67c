"""URLs: language routing, canonical redirects and odd input answered properly."""

import pytest
from django.urls import reverse, set_script_prefix
from django.utils.translation import override

from news.addresses import article_path
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("headers", "cookies", "expected"),
    [
        ({}, {}, "/az/"),
        ({"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}, {}, "/en/"),
        ({"HTTP_ACCEPT_LANGUAGE": "fr"}, {}, "/az/"),
        ({"HTTP_ACCEPT_LANGUAGE": "en"}, {"portal_language": "az"}, "/az/"),
    ],
)
def test_root_sends_readers_to_their_language(client, headers, cookies, expected):
    for name, value in cookies.items():
        client.cookies[name] = value
    response = client.get("/", **headers)
    assert response.status_code == 302
    assert response["Location"] == expected


def test_wrong_slug_redirects_permanently_to_the_canonical_url(client):
    article = ArticleFactory(title_az="Köhnə başlıq")
    old_url = article.get_absolute_url("az")
    article.title_az = "Yeni başlıq"
    article.slug_az = ""
    article.save()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url("az")
    assert "yeni-basliq" in response["Location"]


def test_id_alone_redirects_to_the_article(client):
    article = ArticleFactory()
    response = client.get(f"/en/news/{article.pk}/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url("en")


def test_category_slug_of_the_other_language_redirects(client):
    category = CategoryFactory(name_az="Tədbirlər", name_en="Events")
    response = client.get("/en/tedbirler/")
    assert response.status_code == 301
    assert response["Location"] == "/en/events/"
    assert category.slug_az == "tedbirler"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/az/news/?page=abc", 404),
        ("/az/news/?page=0", 404),
        ("/az/news/?page=-1", 404),
        ("/az/news/?page=99999", 404),
        ("/az/news/?page=1", 200),
        ("/az/no-such-category/", 404),
        ("/fr/news/", 404),
        ("/xx/news/", 404),
        ("/az/news/999999/whatever/", 404),
        ("/az/news/abc/", 404),
    ],
)
def test_odd_requests_get_a_proper_answer(client, path, status):
    CategoryFactory()
    ArticleFactory()
    response = client.get(path)
    assert response.status_code == status
    if status == 404:
        assert b"<h1" in response.content


def test_404_page_is_in_the_site_design_and_language(client):
    response = client.get("/en/no-such-category/")
    assert response.status_code == 404
    text = response.content.decode()
    assert '<html lang="en">' in text
    assert "Page not found" in text
    response = client.get("/az/no-such-category/")
    assert "Səhifə tapılmadı" in response.content.decode()


def test_post_to_a_page_is_405(client):
    article = ArticleFactory()
    assert client.post(article.get_absolute_url("az")).status_code == 405
    assert client.post("/az/news/").status_code == 405


def test_every_page_has_canonical_and_hreflang(client):
    article = ArticleFactory()
    for path in [
        "/az/",
        "/en/news/",
        article.category.get_absolute_url(),
        article.get_absolute_url(),
    ]:
        text = client.get(path).content.decode()
        assert 'rel="canonical"' in text, path
        assert 'hreflang="az"' in text, path


def test_language_switch_refuses_foreign_redirects(client):
    assert client.get("/language/en/?next=https://evil.example/").status_code == 400
    assert client.get("/language/fr/?next=/fr/").status_code == 404


@pytest.mark.parametrize("language", ["az", "en"])
def test_article_addresses_are_what_the_url_patterns_give(language, settings):
    for prefix in ["/", "/portal/"]:
        set_script_prefix(prefix)
        try:
            for pk, slug in [(7, "xankendi-sakinleri"), (123456, "a_b-c"), (8, "öz")]:
                with override(language):
                    expected = reverse("news:article", kwargs={"pk": pk, "slug": slug})
                assert article_path(language, pk, slug) == expected
        finally:
            set_script_prefix("/")
