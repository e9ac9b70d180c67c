"""XLIFF 2.0: export, edit the file as a translation tool would, import, read the page."""

from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from news.models import Article
from tests.factories import (
    ArticleFactory,
    azerbaijani_only,
    make_photo,
)
from translators import state
from translators.models import ImportLog
from translators.registry import ARTICLE
from translators.xliff import FINGERPRINT, XLIFF_NS

pytestmark = pytest.mark.django_db
NS = {"x": XLIFF_NS}


@pytest.fixture
def article():
    return azerbaijani_only(
        title_az="Qaçqınlar üçün yeni evlər",
        lead_az="Qısa giriş.",
        body_az='<p>Birinci <strong>vacib</strong> abzas və <a href="https://example.org">keçid</a>.</p>',
    )


def export(client, *items, language="en"):
    query = "&".join(f"items={item}" for item in items)
    response = client.get(f"/admin/translations/export/?{query}&language={language}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xliff+xml")
    assert "attachment" in response["Content-Disposition"]
    return ElementTree.fromstring(response.content)  # noqa: S314 - our own export


def unit(root, unit_id):
    return root.find(f".//x:unit[@id='{unit_id}']", NS)


def translate(root, unit_id, text, segment_id="s1"):
    """Fill one segment's target as a tool would: `text` may hold inline codes."""
    segment = unit(root, unit_id).find(f"x:segment[@id='{segment_id}']", NS)
    target = segment.find("x:target", NS)
    if target is not None:
        segment.remove(target)
    fragment = f'<target xmlns="{XLIFF_NS}">{text}</target>'
    segment.append(ElementTree.fromstring(fragment))  # noqa: S314 - the test's own text
    segment.set("state", "translated")


def upload(client, data, language="en", name="translated.xlf"):
    if isinstance(data, ElementTree.Element):
        data = ElementTree.tostring(data, encoding="utf-8", xml_declaration=True)
    return client.post(
        "/admin/translations/import/",
        {"language": language, "file": SimpleUploadedFile(name, data, "application/xliff+xml")},
    )


def test_the_export_has_inline_codes_notes_and_length_limits(client, translator, article):
    root = export(client, f"article:{article.pk}")
    assert root.tag == f"{{{XLIFF_NS}}}xliff"
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "az", "en")
    body = unit(root, f"article.{article.pk}.body")
    assert body.get(FINGERPRINT)
    # The text a translator sees has no markup and no link address: codes stand for them.
    source = body.find("x:segment/x:source", NS)
    assert "".join(source.itertext()) == "Birinci vacib abzas və keçid."
    codes = source.findall("x:pc", NS)
    assert [(code.get("id"), code.get("type")) for code in codes] == [("1", "fmt"), ("2", "link")]
    data = {item.get("id"): item.text for item in body.findall("x:originalData/x:data", NS)}
    assert data["d1"] == "<strong>"
    assert data["d2"].startswith('<a href="https://example.org"')
    notes = {note.get("category"): note.text for note in body.findall("x:notes/x:note", NS)}
    assert notes["field"] == "body"
    assert notes["location"].endswith(article.get_absolute_url("az"))
    title = unit(root, f"article.{article.pk}.title")
    limit = title.get("{urn:oasis:names:tc:xliff:sizerestriction:2.0}sizeRestriction")
    assert limit == "300"
    assert "300" in title.find("x:notes/x:note[@category='length']", NS).text
    assert unit(root, f"article.{article.pk}.photo_alt") is None  # no source text, no unit


def test_round_trip_fills_the_english_page(client, translator, article):
    photo = make_photo(article, alt_az="Yeni evlərin şəkli", caption_az="Xankəndi, 2026")
    root = export(client, f"article:{article.pk}")
    translate(root, f"article.{article.pk}.title", "New homes for refugees")
    translate(root, f"article.{article.pk}.lead", "A short lead.")
    translate(
        root,
        f"article.{article.pk}.body",
        'The first <pc id="1">important</pc> paragraph and a <pc id="2">link</pc>. '
        "&lt;script&gt;alert(1)&lt;/script&gt;",
    )
    translate(root, f"photo.{photo.pk}.alt", "The new homes")
    translate(root, f"photo.{photo.pk}.caption", "Khankendi, 2026")

    response = upload(client, root)
    assert response.status_code == 302

    article.refresh_from_db()
    assert article.is_written_in("en")
    assert article.body_en == (
        '<p>The first <strong>important</strong> paragraph and a <a href="https://example.org" '
        'rel="noopener noreferrer">link</a>. &lt;script&gt;alert(1)&lt;/script&gt;</p>'
    )
    page = client.get(article.get_absolute_url("en"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "New homes for refugees" in html
    assert "<strong>important</strong>" in html
    assert "<script>alert(1)" not in html  # markup typed as text stays text
    assert "This article is available only in Azerbaijani" not in html
    photo.refresh_from_db()
    assert (photo.alt_en, photo.caption_en) == ("The new homes", "Khankendi, 2026")
    assert state.field_states(article, ARTICLE, "en", "az") == {
        "title": "complete",
        "lead": "complete",
        "body": "complete",
    }
    assert state.stored_summary(article)["en"] == {
        "state": "complete",
        "missing": [],
        "outdated": [],
    }


def test_a_translated_body_goes_out_again_as_targets(client, translator, article):
    root = export(client, f"article:{article.pk}")
    translate(
        root,
        f"article.{article.pk}.body",
        'The first <pc id="1">important</pc> paragraph and a <pc id="2">link</pc>.',
    )
    assert upload(client, root).status_code == 302
    again = unit(export(client, f"article:{article.pk}"), f"article.{article.pk}.body")
    segment = again.find("x:segment", NS)
    assert segment.get("state") == "translated"
    target = segment.find("x:target", NS)
    assert "".join(target.itertext()) == "The first important paragraph and a link."
    assert [code.get("id") for code in target.findall("x:pc", NS)] == ["1", "2"]


def test_the_import_is_logged_with_who_and_what(client, translator, article):
    root = export(client, f"article:{article.pk}")
    translate(root, f"article.{article.pk}.title", "New homes")
    upload(client, root, name="homes.xlf")
    log = ImportLog.objects.get()
    assert log.user == translator
    assert (log.file_name, log.target_language, log.unit_count) == ("homes.xlf", "en", 1)
    assert log.changes == [{"kind": "article", "id": article.pk, "fields": ["title"]}]
    assert "homes.xlf" in client.get("/admin/translations/import/").content.decode()


def test_a_selection_exports_several_objects_in_one_file(client, translator, article):
    other = azerbaijani_only(title_az="İkinci xəbər")
    root = export(client, f"article:{article.pk}", f"article:{other.pk}")
    assert {file.get("id") for file in root.findall("x:file", NS)} == {
        f"article.{article.pk}",
        f"article.{other.pk}",
    }


def test_untouched_units_change_nothing_and_an_empty_file_is_refused(client, translator, article):
    root = export(client, f"article:{article.pk}")
    response = upload(client, root)
    assert response.status_code == 400
    assert "no new or changed translations" in response.content.decode()


def test_a_reviewed_unchanged_unit_is_confirmed_as_still_correct(client, translator):
    article = ArticleFactory(title_en="Homes", body_en="<p>Text.</p>", body_az="<p>Mətn.</p>")
    article.body_az = "<p>Mətn, düzəliş.</p>"
    article.save()
    assert state.stored_summary(Article.objects.get(pk=article.pk))["en"]["outdated"] == ["body"]
    root = export(client, f"article:{article.pk}")
    unit(root, f"article.{article.pk}.body").find("x:segment", NS).set("state", "reviewed")
    assert upload(client, root).status_code == 302
    assert state.stored_summary(Article.objects.get(pk=article.pk))["en"]["outdated"] == []


def test_the_board_exports_its_selection(client, translator, article):
    page = client.get("/admin/translations/").content.decode()
    assert f'value="article:{article.pk}"' in page
    assert 'id="export-form"' in page


def test_an_empty_selection_returns_to_the_board_with_a_message(client, translator):
    response = client.get("/admin/translations/export/?language=en", follow=True)
    assert response.redirect_chain[-1][0] == "/admin/translations/?language=en"
    assert "Choose at least one object" in response.content.decode()


def test_exporting_into_a_language_the_translator_does_not_translate_is_refused(
    client, translator, article
):
    response = client.get(f"/admin/translations/export/?items=article:{article.pk}&language=az")
    assert response.status_code == 403


def test_categories_pages_and_the_quote_banner_travel_too(client, translator):
    from news.models import Category
    from portal.models import SiteSettings, StaticPage

    category = Category.objects.create(name_az="Tədbirlər", name_en="")
    page = StaticPage.objects.create(title_az="Haqqımızda", body_az="<p>Komitə.</p>")
    SiteSettings.objects.create(quote_text_az="Sitat mətni", quote_attribution_az="Müəllif")
    root = export(client, f"category:{category.pk}", f"page:{page.pk}", "settings:1")
    translate(root, f"category.{category.pk}.name", "Events")
    translate(root, f"page.{page.pk}.title", "About us")
    translate(root, f"page.{page.pk}.body", "The Committee.")
    translate(root, "settings.1.quote_text", "The quote")
    assert upload(client, root).status_code == 302
    category.refresh_from_db()
    page.refresh_from_db()
    assert category.name_en == "Events"
    assert (page.title_en, page.body_en, page.slug_en) == (
        "About us",
        "<p>The Committee.</p>",
        "about-us",
    )
    assert SiteSettings.load().quote_text_en == "The quote"
    assert "The quote" in client.get("/en/").content.decode()
