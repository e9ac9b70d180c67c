"""Audit: every translator save and every import is a revision (who, and how), listed,
compared and restored in the newsroom like an editor's; translators see their own."""

import hashlib
from xml.etree import ElementTree

import pytest
import reversion
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from reversion.models import Version

from core.concurrency import claim
from news.models import Article
from tests.factories import azerbaijani_only, editor, post_translation
from tests.factories.forms import in_english
from translators.xliff import XLIFF_NS

pytestmark = pytest.mark.django_db
NS = {"x": XLIFF_NS}


def url(article, language="en"):
    return f"/admin/translations/article/{article.pk}/{language}/"


def save(client, article, title, **more):
    data = {"title": title, "body": "<p>Text.</p>", "slug": "", "_save": "1", **more}
    return post_translation(client, url(article), data)


def test_a_translator_save_is_a_revision_with_who_and_how(translator_client, translator):
    article = azerbaijani_only(title_az="Başlıq", body_az="<p>Mətn.</p>")
    assert save(translator_client, article, "Headline").status_code == 302
    version = Version.objects.get_for_object(article).select_related("revision__user").get()
    assert version.revision.user == translator
    assert version.revision.get_comment() == "editor"
    assert version.field_dict["title_en"] == "Headline"


def test_an_import_is_one_revision_named_by_the_files_hash(client, translator):
    article = azerbaijani_only(title_az="Başlıq", body_az="<p>Mətn.</p>")
    exported = client.get(f"/admin/translations/export/?items=article:{article.pk}&language=en")
    root = ElementTree.fromstring(exported.content)  # noqa: S314 - our own export
    segment = root.find(f".//x:unit[@id='article.{article.pk}.title']/x:segment", NS)
    ElementTree.SubElement(segment, f"{{{XLIFF_NS}}}target").text = "Headline"
    segment.set("state", "translated")
    data = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    response = client.post(
        "/admin/translations/import/",
        {"language": "en", "file": SimpleUploadedFile("a.xlf", data)},
    )
    assert response.status_code == 302
    revision = Version.objects.get_for_object(article).get().revision
    assert revision.user == translator
    assert revision.get_comment() == f"XLIFF import {hashlib.sha256(data).hexdigest()}"


def test_editors_compare_and_restore_a_translators_revision(client, translator):
    article = azerbaijani_only(title_az="Başlıq", body_az="<p>Mətn.</p>")
    save(client, article, "First headline")
    save(client, article, "Second headline")
    first, second = reversed(list(Version.objects.get_for_object(article)))
    chief = editor()
    client.force_login(chief)
    in_english(client)
    listing = client.get(f"/admin/news/article/{article.pk}/revisions/").content.decode()
    assert translator.username in listing
    compare = client.get(
        f"/admin/news/article/{article.pk}/revisions/compare/?old={first.pk}&new={second.pk}"
    ).content.decode()
    assert "First" in compare
    assert "Second" in compare
    response = client.post(f"/admin/news/article/{article.pk}/revisions/{first.pk}/restore/")
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).title_en == "First headline"


def test_a_translator_sees_their_own_history_only(client, translator):
    mine = azerbaijani_only(title_az="Mənim", body_az="<p>Mətn.</p>")
    save(client, mine, "Mine")
    theirs = azerbaijani_only(title_az="Onların", body_az="<p>Mətn.</p>")
    other = editor()
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(other)
        reversion.set_comment("editor")
        theirs.title_en = "Theirs"
        theirs.save()
    page = BeautifulSoup(client.get("/admin/translations/history/").content, "html.parser")
    text = page.get_text(" ")
    assert "Mine" in text
    assert "Theirs" not in text
    assert page.select_one(".translators-changes ins").get_text() == "Mine"


def test_a_save_over_a_newer_edit_is_a_conflict_naming_who_and_keeping_the_text(
    translator_client,
):
    article = azerbaijani_only(title_az="Başlıq", body_az="<p>Mətn.</p>")
    page = BeautifulSoup(translator_client.get(url(article)).content, "html.parser")
    opened = {
        name: page.select_one(f'input[name="{name}"]')["value"]
        for name in ("sources", "edit_version")
    }
    chief = editor("chief")
    # An editor saves the article (an English fix) while the translator types.
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(chief)
        current = Article.objects.select_for_update().get(pk=article.pk)
        claim(current, current.edit_version)
        current.lead_en = "A lead by the editor."
        current.save()
    data = {**opened, "title": "My headline", "body": "<p>My text.</p>", "_save": "1"}
    response = translator_client.post(url(article), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "chief saved this" in html
    assert "My headline" in html  # the translator's text is kept
    assert Article.objects.get(pk=article.pk).title_en == ""
    # The page now carries the current version: saving again is a deliberate overwrite.
    carried = BeautifulSoup(html, "html.parser").select_one('input[name="edit_version"]')["value"]
    assert int(carried) == Article.objects.get(pk=article.pk).edit_version
    response = translator_client.post(url(article), {**data, "edit_version": carried})
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).title_en == "My headline"


def test_a_form_posted_without_its_version_overwrites_nothing(translator_client):
    article = azerbaijani_only(title_az="Başlıq", body_az="<p>Mətn.</p>")
    page = BeautifulSoup(translator_client.get(url(article)).content, "html.parser")
    sources = page.select_one('input[name="sources"]')["value"]
    data = {"sources": sources, "title": "Headline", "body": "<p>T.</p>", "_save": "1"}
    assert translator_client.post(url(article), data).status_code == 409
    assert Article.objects.get(pk=article.pk).title_en == ""


def test_every_save_moves_the_edit_version_on(translator_client):
    article = azerbaijani_only(title_az="Başlıq", body_az="<p>Mətn.</p>")
    before = Article.objects.get(pk=article.pk).edit_version
    save(translator_client, article, "Headline")
    assert Article.objects.get(pk=article.pk).edit_version == before + 1
