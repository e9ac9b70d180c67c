"""The glossary: seeded from the demo's terms, kept by editors, shown in the editor next to
the source, and a required term left out is a warning confirmed with a reason."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from reversion.models import Version

from news.models import Article
from tests.factories import azerbaijani_only, editor, post_translation
from translators.glossary import missing, terms
from translators.models import GlossaryTerm

pytestmark = pytest.mark.django_db


def url(article):
    return f"/admin/translations/article/{article.pk}/en/"


def test_the_glossary_is_seeded_with_the_demo_contents_terms():
    pairs = set(GlossaryTerm.objects.values_list("term_az", "term_en"))
    assert {
        ("Xankəndi", "Khankendi"),
        ("Laçın", "Lachin"),
        ("Şuşa", "Shusha"),
        ("Füzuli", "Fuzuli"),
        ("Böyük Qayıdış", "Great Return"),
        ("Dövlət Komitəsi", "State Committee"),
    } <= pairs


@pytest.mark.parametrize(
    ("source", "target", "left_out"),
    [
        ("Xankəndidə yeni məktəb", "A new school in Khankendi", []),
        ("XANKƏNDİ", "khankendi", []),
        ("Xankəndidə yeni məktəb", "A new school in Stepanakert", ["Khankendi"]),
        ("Böyük Qayıdışa həsr olunub", "Dedicated to the Great Return", []),
        ("Laçın və Şuşa", "Lachin and Susha", ["Shusha"]),
        ("Yeni məktəb", "A new school", []),
    ],
)
def test_a_required_term_left_out_is_found(source, target, left_out):
    found = missing(source, target, "az", "en", terms())
    assert [entry.term_en for entry in found] == left_out


def test_the_editor_shows_the_terms_of_the_source_with_their_translation(translator_client):
    article = azerbaijani_only(title_az="Xankəndidə görüş", body_az="<p>Böyük Qayıdış.</p>")
    page = BeautifulSoup(translator_client.get(url(article)).content, "html.parser")
    title_row = page.select_one('[name="title"]').find_parent(class_="translators-pair")
    assert title_row.select_one(".translators-source > p mark").get_text() == "Xankəndi"
    entry = title_row.select_one(".translators-glossary dd")
    assert entry.select_one("mark").get_text() == "Xankəndi"
    assert entry.select_one("strong").get_text() == "Khankendi"


def test_a_left_out_term_is_a_warning_the_translator_confirms_with_a_reason(translator_client):
    article = azerbaijani_only(title_az="Xankəndidə görüş", body_az="<p>Mətn.</p>")
    data = {"title": "A meeting in Stepanakert", "body": "<p>Text.</p>", "_save": "1"}
    response = post_translation(translator_client, url(article), data)
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    warning = page.select_one('.translators-finding--warning[data-check="glossary"]')
    assert "“Khankendi”" in warning.get_text()
    assert page.select_one('input[name="override"]')
    assert Article.objects.get(pk=article.pk).title_en == ""
    # Ticking the box without a reason is not enough.
    response = post_translation(translator_client, url(article), {**data, "override": "on"})
    assert response.status_code == 400
    assert "Say why the warnings do not apply." in response.content.decode()
    reason = "A quotation of the other side's name"
    response = post_translation(
        translator_client, url(article), {**data, "override": "on", "override_reason": reason}
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).title_en == "A meeting in Stepanakert"
    comment = Version.objects.get_for_object(article).first().revision.get_comment()
    assert reason in comment


def test_editors_keep_the_glossary_and_html_in_a_term_stays_text(translator_client):
    editor_client = Client()
    editor_client.force_login(editor())
    response = editor_client.post(
        "/admin/translators/glossaryterm/add/",
        {
            "term_az": "Ağdam<script>x()</script>",
            "term_en": "Aghdam<b>",
            "category": "place",
            "note": "<img src=x onerror=alert(1)>",
            "required": "on",
        },
    )
    assert response.status_code == 302
    article = azerbaijani_only(title_az="Ağdam<script>x()</script> rayonu", body_az="<p>M.</p>")
    html = translator_client.get(url(article)).content.decode()
    assert "<script>x()" not in html
    assert "onerror=alert(1)>" not in html
    assert "Aghdam&lt;b&gt;" in html


def test_translators_may_not_edit_the_glossary(translator_client):
    assert translator_client.get("/admin/translators/glossaryterm/add/").status_code == 403
