"""The admin loads every asset from our own site and runs under the strict CSP: no CDN, no
inline script without the nonce, no inline style, and the editor's one style block by hash."""

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders

from core import editor as editor_assets
from tests.factories import ArticleFactory, editor

pytestmark = pytest.mark.django_db


def admin_pages(article):
    from news.newsroom import workflow

    workflow.back_to_draft(article, editor("reviewer"))  # so it has a revision
    return [
        "/admin/",
        "/admin/news/article/",
        "/admin/news/article/?state=scheduled&missing=en",
        "/admin/news/article/add/",
        f"/admin/news/article/{article.pk}/change/",
        f"/admin/news/article/{article.pk}/revisions/",
        "/admin/news/category/add/",
    ]


def asset_urls(soup):
    for tag, attribute in (
        ("script", "src"),
        ("link", "href"),
        ("img", "src"),
        ("source", "srcset"),
    ):
        for element in soup.find_all(tag):
            if element.get(attribute):
                yield element[attribute]


def test_admin_pages_load_nothing_from_outside(editor_client):
    article = ArticleFactory()
    for url in admin_pages(article):
        response = editor_client.get(url)
        assert response.status_code == 200, url
        soup = BeautifulSoup(response.content, "html.parser")
        for asset in asset_urls(soup):
            assert asset.startswith("/"), (url, asset)
            assert not asset.startswith("//"), (url, asset)
        assert "googleapis" not in response.content.decode()
        assert "cdn" not in " ".join(asset_urls(soup)).lower()


def test_no_inline_script_or_style_without_permission(editor_client):
    article = ArticleFactory()
    for url in admin_pages(article):
        response = editor_client.get(url)
        soup = BeautifulSoup(response.content, "html.parser")
        policy = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in policy
        for script in soup.find_all("script"):
            if script.get("src"):
                continue
            # Only data blocks and the editor's import map, which carries the nonce.
            kind = script.get("type", "")
            assert kind in {"importmap", "application/json"}, (url, str(script)[:120])
            if kind == "importmap":
                assert script.get("nonce")
                assert f"'nonce-{script['nonce']}'" in policy
        assert not soup.find_all("style"), url
        assert not soup.select("[style]"), (url, [str(e)[:80] for e in soup.select("[style]")])
        assert not re.search(r"\son[a-z]+=", response.content.decode()), url


def test_article_form_allows_exactly_the_editor_style_block(editor_client):
    response = editor_client.get("/admin/news/article/add/")
    policy = response["Content-Security-Policy"]
    style_src = next(part for part in policy.split(";") if part.strip().startswith("style-src"))
    assert f"'{editor_assets.tiptap_style_hash()}'" in style_src
    # Other admin pages do not get it.
    other = editor_client.get("/admin/news/article/")["Content-Security-Policy"]
    assert editor_assets.tiptap_style_hash() not in other


def test_editor_style_hash_matches_the_served_editor():
    editor_assets.tiptap_style_hash.cache_clear()
    assert editor_assets.tiptap_style_hash() == editor_assets.KNOWN_STYLE_HASH


def test_vendored_jquery_ui_is_served_by_us(editor_client):
    assert finders.find("vendor/jquery-ui/jquery-ui.min.js")
    assert finders.find("vendor/jquery-ui/LICENSE.txt")
    # Sections and tags keep modeltranslation's tabs, with jQuery UI served by us.
    tags = editor_client.get("/admin/news/tag/add/").content.decode()
    assert "/static/vendor/jquery-ui/jquery-ui.min.js" in tags
    assert "/static/modeltranslation/js/tabbed_translation_fields.js" in tags
    # The article form has one language switch instead of tabs per field.
    page = editor_client.get("/admin/news/article/add/").content.decode()
    assert "/static/modeltranslation/js/tabbed_translation_fields.js" not in page
    assert "/static/js/admin-newsroom-languages.js" in page
    assert 'class="newsroom-languages"' in page
    assert "/static/django_prose_editor/editor.js" in page
    assert "data-django-prose-editor-configurable" in page
