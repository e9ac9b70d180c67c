"""Quality checks before a translation is saved: per field, blocking only on lost markup
(or a text the field would cut); numbers, dates, links and copies are notices."""

import pytest
from bs4 import BeautifulSoup
from django.utils import translation

from news.models import Article
from tests.factories import azerbaijani_only, post_translation
from translators.checks import BLOCKING, NOTICE, check_field

pytestmark = pytest.mark.django_db
LANGUAGES = ("az", "en")


def codes(findings):
    return {(finding.code, finding.level) for finding in findings}


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("15 dekabr 2026-cı il", "15 December 2026", set()),
        ("15 dekabr 2026-cı il", "15 November 2026", {("dates", NOTICE)}),
        ("1 500 ailə, 12 bina", "1,500 families, 12 buildings", set()),
        ("1 500 ailə, 12 bina", "1,500 families and buildings", {("numbers", NOTICE)}),
        ("Bax: https://idp.gov.az/plan", "See the plan", {("links", NOTICE)}),
        ("Tədbir keçirilib", "Tədbir keçirilib", {("untranslated", NOTICE)}),
        ("Xankəndi", "Xankəndi", set()),  # one word: a name may well stay as it is
    ],
)
def test_plain_text_checks(source, target, expected):
    found = check_field(source, target, rich=False, languages=LANGUAGES)
    assert codes(found) == expected


def test_lost_markup_blocks_and_says_what_is_missing():
    source = '<p><strong>Vacib</strong> <a href="https://a.az/">keçid</a></p><ul><li>Bir</li></ul>'
    target = "<p>Important link</p><ul><li>One</li></ul>"
    with translation.override("en"):
        found = check_field(source, target, rich=True, languages=LANGUAGES)
    markup = next(finding for finding in found if finding.code == "markup")
    assert markup.level == BLOCKING
    assert "bold ×1" in markup.message
    assert "link ×1" in markup.message
    assert ("links", NOTICE) in codes(found)


def test_kept_markup_with_paragraphs_merged_is_fine():
    source = "<p>Bir <em>iki</em>.</p><p>Üç.</p>"
    target = "<p>One <em>two</em>. Three.</p>"
    assert check_field(source, target, rich=True, languages=LANGUAGES) == []


def test_an_empty_translation_has_nothing_to_check():
    assert check_field("12 ev", "", rich=False, languages=LANGUAGES) == []


def url(article):
    return f"/admin/translations/article/{article.pk}/en/"


def test_the_editor_refuses_lost_markup_and_shows_it_under_the_field(translator_client):
    article = azerbaijani_only(title_az="Başlıq", body_az="<p><strong>Vacib</strong> mətn.</p>")
    response = post_translation(
        translator_client,
        url(article),
        {"title": "Headline", "body": "<p>Important text.</p>", "_save": "1"},
    )
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    finding = page.select_one('.translators-finding--blocking[data-check="markup"]')
    assert "bold ×1" in finding.get_text()
    # The finding sits with the body, and the translator's text is kept.
    assert finding.find_parent(class_="translators-target").select_one('[name="body"]')
    assert "Important text." in response.content.decode()
    assert Article.objects.get(pk=article.pk).body_en == ""


def test_notices_do_not_stop_a_save_and_are_shown_after_it(translator_client):
    article = azerbaijani_only(title_az="12 yeni ev", body_az="<p>Mətn.</p>")
    response = post_translation(
        translator_client,
        url(article),
        {"title": "New houses", "body": "<p>Text.</p>", "_save": "1"},
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).title_en == "New houses"
    page = translator_client.get(response["Location"]).content.decode()
    assert "Numbers of the original are missing: 12" in page
