"""The side-by-side editor: source on the left, target fields on the right, save and next."""

import pytest
from bs4 import BeautifulSoup

from news.models import Article
from tests.factories import (
    ArticleFactory,
    azerbaijani_only,
    make_photo,
    post_translation,
)
from translators import state
from translators.registry import ARTICLE

pytestmark = pytest.mark.django_db


def url(article, language="en"):
    return f"/admin/translations/article/{article.pk}/{language}/"


def test_the_editor_shows_the_source_read_only_and_the_target_fields(translator_client):
    article = azerbaijani_only(
        title_az="Başlıq", lead_az="Giriş", body_az="<p>Mətn <em>vacib</em>.</p>"
    )
    photo = make_photo(article, alt_az="Şəkil", caption_az="İmza")
    page = BeautifulSoup(translator_client.get(url(article)).content, "html.parser")
    sources = page.select(".translators-source")
    assert sources[0]["lang"] == "az"
    assert "Başlıq" in sources[0].get_text()
    assert page.select_one(".translators-rich em").get_text() == "vacib"
    names = {field["name"] for field in page.select(".translators-target [name]")}
    assert names == {
        "title",
        "lead",
        "body",
        "slug",
        f"photo-{photo.pk}-alt",
        f"photo-{photo.pk}-caption",
    }
    assert not page.select('[name$="_az"]')
    assert page.select_one('input[name="_next"]')


def test_the_editor_uses_the_editors_rich_text_widget_with_a_csp_nonce(translator_client):
    article = azerbaijani_only()
    response = translator_client.get(url(article))
    page = BeautifulSoup(response.content, "html.parser")
    body = page.select_one('textarea[name="body"]')
    assert any(attribute.startswith("data-django-prose-editor") for attribute in body.attrs)
    importmap = page.select_one('script[type="importmap"]')
    assert importmap is not None
    assert f"'nonce-{importmap['nonce']}'" in response["Content-Security-Policy"]
    # Every other script is a file, and nothing is styled inline.
    inline = [script for script in page.select("script:not([src])") if script is not importmap]
    assert inline == []
    assert not page.select("style, [style]")


def test_saving_fills_the_target_sanitises_and_fingerprints(translator_client):
    article = azerbaijani_only()
    photo = make_photo(article, alt_az="Şəkil")
    response = post_translation(
        translator_client,
        url(article),
        {
            "title": "Headline",
            "lead": "",
            "body": '<p>Text<img src="https://tracker.example/x.gif"></p><script>x()</script>',
            "slug": "",
            f"photo-{photo.pk}-alt": "Photo",
            "_save": "1",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get(pk=article.pk)
    assert article.title_en == "Headline"
    assert article.body_en == "<p>Text<img></p>"
    assert article.slug_en == "headline"
    assert article.is_written_in("en")
    photo.refresh_from_db()
    assert photo.alt_en == "Photo"
    assert state.stored_summary(article)["en"] == {
        "state": "complete",
        "missing": [],
        "outdated": [],
    }


def test_outdated_fields_show_what_changed_and_can_be_confirmed(translator_client):
    article = ArticleFactory(body_az="<p>Sakinlər yeni evlərə köçdü.</p>")
    article.body_az = "<p>Sakinlər bu gün yeni evlərə köçdü.</p>"
    article.save()
    page = BeautifulSoup(translator_client.get(url(article)).content, "html.parser")
    changes = page.select_one(".translators-changes")
    assert changes.select_one("ins").get_text() == "bu gün"
    assert page.select_one('input[name="confirm-body"]')
    assert not page.select_one('input[name="confirm-title"]')

    post_translation(
        translator_client,
        url(article),
        {"title": article.title_en, "body": article.body_en, "confirm-body": "on", "_save": "1"},
    )
    article = Article.objects.get(pk=article.pk)
    assert state.field_states(article, ARTICLE, "en", "az")["body"] == "complete"


def test_saving_without_confirming_keeps_an_unchanged_field_outdated(translator_client):
    article = ArticleFactory()
    article.title_az = "Yeni başlıq"
    article.body_az = "<p>Yeni mətn.</p>"
    article.save()
    post_translation(
        translator_client,
        url(article),
        {"title": "New headline", "body": article.body_en, "_save": "1"},
    )
    article = Article.objects.get(pk=article.pk)
    assert state.field_states(article, ARTICLE, "en", "az") == {
        "title": "complete",
        "body": "outdated",
    }


def test_save_and_next_goes_to_the_next_missing_article(translator_client):
    older_missing = azerbaijani_only()
    ArticleFactory()  # complete: skipped
    current = azerbaijani_only()
    response = post_translation(
        translator_client, url(current), {"title": "Done", "body": "<p>Done.</p>", "_next": "1"}
    )
    assert response["Location"] == url(older_missing)


def test_save_and_next_with_an_empty_queue_returns_to_the_board(translator_client):
    current = azerbaijani_only()
    response = post_translation(
        translator_client, url(current), {"title": "Done", "body": "<p>Done.</p>", "_next": "1"}
    )
    assert response["Location"].startswith("/admin/translations/?language=en")


def test_a_too_long_title_is_a_form_error_not_a_crash(translator_client):
    article = azerbaijani_only()
    response = post_translation(
        translator_client, url(article), {"title": "x" * 301, "body": "", "_save": "1"}
    )
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert Article.objects.get(pk=article.pk).title_en == ""


def test_other_content_kinds_have_an_editor_too(translator_client):
    from portal.models import SiteSettings, StaticPage

    SiteSettings.objects.create(quote_text_az="Sitat", quote_attribution_az="Müəllif")
    page = StaticPage.objects.create(title_az="Haqqımızda", body_az="<p>Mətn.</p>")
    assert translator_client.get("/admin/translations/settings/1/en/").status_code == 200
    response = post_translation(
        translator_client,
        f"/admin/translations/page/{page.pk}/en/",
        {"title": "About us", "body": "<p>Text.</p>", "slug": "", "_save": "1"},
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.title_en, page.slug_en) == ("About us", "about-us")


def test_unknown_kinds_and_objects_are_404(translator_client):
    assert translator_client.get("/admin/translations/poll/1/en/").status_code == 404
    assert translator_client.get("/admin/translations/article/999999/en/").status_code == 404
    huge = "/admin/translations/article/99999999999999999999999/en/"
    assert translator_client.get(huge).status_code == 404


def test_the_word_diff_escapes_text_and_separates_paragraphs():
    from translators.diff import word_diff

    html = str(word_diff("<p>Bir.</p><p>İki</p>", "<p>Bir.</p><p>İki &lt;script&gt;</p>"))
    assert html == "<p>Bir.</p><p>İki <ins>&lt;script&gt;</ins></p>"


def test_a_change_to_the_original_while_translating_is_caught(translator_client):
    from bs4 import BeautifulSoup as Soup

    article = azerbaijani_only(title_az="Köhnə başlıq")
    page = Soup(translator_client.get(url(article)).content, "html.parser")
    shown = page.select_one('input[name="sources"]')["value"]
    version = page.select_one('input[name="edit_version"]')["value"]
    # An editor changes the original in the meantime.
    article.title_az = "Yeni başlıq"
    article.save()
    data = {
        "sources": shown,
        "edit_version": version,
        "title": "Old headline",
        "body": "<p>Text.</p>",
        "_save": "1",
    }
    response = translator_client.post(url(article), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "The original was changed while you were translating" in html
    assert "Yeni başlıq" in html
    assert "Old headline" in html  # the translator's text is kept
    assert Article.objects.get(pk=article.pk).title_en == ""
    # Saving again from the refreshed page works.
    refreshed = Soup(html, "html.parser")
    response = translator_client.post(
        url(article),
        {
            **data,
            "sources": refreshed.select_one('input[name="sources"]')["value"],
            "edit_version": refreshed.select_one('input[name="edit_version"]')["value"],
        },
    )
    assert response.status_code == 302
