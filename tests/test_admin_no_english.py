"""An Azerbaijani Editor's admin is Azerbaijani throughout: every page they use is walked
and its visible text checked for English words.

"English words" are the words of the English interface: those of the msgids in our
catalogue and Django's admin catalogue that no Azerbaijani translation uses too. Text
marked lang="en" (an article's English version) is content, not interface, and is skipped.
"""

import datetime
import re
from pathlib import Path

import django
import polib
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from news.models import Article, Category, Tag
from news.newsroom import library, workflow
from news.newsroom.revisions import versions_of
from tests.factories import (
    ArticleFactory,
    admin_form_data,
    author,
    editor,
    in_english,
    make_photo,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

WORD = re.compile(r"[A-Za-zƏəİıÖöÜüĞğŞşÇç]{3,}")
# Words both languages write the same way, and names.
ALLOWED = {"URL", "HTML", "SVG", "JPEG", "PNG", "WebP", "Django", "ID", "Azərbaycanca", "English"}


def _catalogue_words():
    django_admin = Path(django.__file__).parent / "contrib/admin/locale/az/LC_MESSAGES/django.po"
    ours = Path(settings.BASE_DIR) / "locale/az/LC_MESSAGES/django.po"
    english, azerbaijani = set(), set()
    for path in (django_admin, ours):
        for entry in polib.pofile(str(path)):
            english.update(WORD.findall(entry.msgid))
            english.update(WORD.findall(entry.msgid_plural or ""))
            azerbaijani.update(WORD.findall(entry.msgstr))
            for text in entry.msgstr_plural.values():
                azerbaijani.update(WORD.findall(text))
    lower_az = {word.lower() for word in azerbaijani}
    return {word.lower() for word in english if word.lower() not in lower_az}


ENGLISH = _catalogue_words()


def english_words(html):
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "template", "svg", "textarea"]):
        hidden.decompose()
    # Content, not interface: English versions, diffs of texts, stored files' names.
    for content in soup.select('[lang="en"], .newsroom-diff, a[href^="/media/"]'):
        content.decompose()
    texts = [soup.get_text(" ")]
    texts += [
        tag.get(name, "")
        for name in ("title", "placeholder", "aria-label", "alt")
        for tag in soup.find_all(attrs={name: True})
    ]
    texts += [tag.get("value", "") for tag in soup.select("input[type=submit], button[value]")]
    found = set()
    for text in texts:
        for word in WORD.findall(text):
            if word.lower() in ENGLISH and word not in ALLOWED:
                found.add(word)
    return found


@pytest.fixture
def world():
    category = Category.objects.create(name_az="Tədbirlər", name_en="Events")
    Tag.objects.create(name_az="Qayıdış", name_en="Return")
    article = ArticleFactory(
        category=category,
        title_az="Xankəndidə yeni məktəb",
        title_en="A new school in Khankendi",
        lead_az="Qısa xülasə.",
        status=Article.Status.DRAFT,
    )
    gallery_photo = make_photo(article, alt_az="Sinif otağı", caption_az="Yeni sinif")
    library.add(gallery_photo)
    return article


def test_an_azerbaijani_editor_sees_no_english(world):
    client = Client()
    client.force_login(editor("redaktor"))
    # The home's every list has a row: a notice, a review, a schedule, a withdrawal.
    writer = author("yazar")
    submitted = ArticleFactory(title_az="Yoxlamaya", status=Article.Status.DRAFT, author=writer)
    workflow.submit_for_review(submitted, writer)
    ArticleFactory(title_az="Sabah", published_at=timezone.now() + datetime.timedelta(days=1))
    ArticleFactory(
        title_az="Geri çağırılıb", status=Article.Status.WITHDRAWN, withdrawn_reason_az="Səhv"
    )
    article_url = f"/admin/news/article/{world.pk}/"
    # Two saves through the form, so there are revisions to list and compare.
    for title in ("Xankəndidə yeni məktəb açıldı", "Xankəndidə yeni məktəb açılıb"):
        data = admin_form_data(client.get(f"{article_url}change/"))
        data.update({"title_az": title, "withdrawn_reason_az": ""})
        assert client.post(f"{article_url}change/", data).status_code == 302
    newer, older = list(versions_of(world))[:2]

    pages = [
        "/admin/",
        "/admin/news/",
        "/admin/news/article/",
        "/admin/news/article/?state=review",
        "/admin/news/article/?work=mine&q=məktəb",
        "/admin/news/article/?state=scheduled&year=2020",
        "/admin/news/article/add/",
        f"{article_url}change/",
        f"{article_url}history/",
        f"{article_url}revisions/",
        f"{article_url}revisions/compare/?old={older.pk}&new={newer.pk}",
        "/admin/news/category/",
        "/admin/news/category/add/",
        f"/admin/news/category/{world.category.pk}/change/",
        "/admin/news/tag/",
        "/admin/news/tag/add/",
        "/admin/news/photo/",
        "/admin/news/photo/?q=sinif",
        "/admin/news/photo/add/",
        f"/admin/news/photo/{world.photos.get().source_id}/change/",
        f"/admin/news/photo/{world.photos.get().source_id}/delete/",  # refused: in use
        f"{article_url}revisions/{older.pk}/restore/",
        "/admin/auth/user/",  # not an Editor's: the 403 page
    ]
    found = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 403), url
        assert BeautifulSoup(response.content, "html.parser").html["lang"] == "az", url
        words = english_words(response.content)
        if words:
            found[url] = sorted(words)
        # Django's capfirst makes "ictimai" "Ictimai"; Azerbaijani writes a dotted İ.
        assert "Ictimai" not in response.content.decode(), url
    assert found == {}
    assert "İctimai dəyişiklik qeydi" in client.get(f"{article_url}change/").content.decode()


def test_revision_messages_read_in_the_readers_language(world):
    english_editor = in_english(Client())
    english_editor.force_login(editor("english_editor"))
    url = f"/admin/news/article/{world.pk}/change/"
    data = admin_form_data(english_editor.get(url))
    data.update({"title_az": "Yeni başlıq", "withdrawn_reason_az": "Səhv rəqəmlər"})
    assert english_editor.post(url, data).status_code == 302
    english = english_editor.get(f"/admin/news/article/{world.pk}/revisions/").content.decode()
    assert "Reason for withdrawal [az]" in english

    reader = Client()
    reader.force_login(editor("oxucu"))
    page = BeautifulSoup(
        reader.get(f"/admin/news/article/{world.pk}/revisions/").content, "html.parser"
    )
    comment = page.select("tbody tr")[0].get_text(" ")
    assert "Geri çağırılma səbəbi [az]" in comment
    assert "Başlıq [az]" in comment
    assert "Reason" not in comment


def test_the_compare_view_names_statuses_and_shows_baku_time(world):
    chief = editor("baş_redaktor")
    client = Client()
    client.force_login(chief)
    url = f"/admin/news/article/{world.pk}/change/"
    data = admin_form_data(client.get(url))
    assert client.post(url, data).status_code == 302
    workflow.publish(world, chief, at=timezone.now() + datetime.timedelta(days=1))
    newer, older = list(versions_of(world))[:2]
    page = client.get(
        f"/admin/news/article/{world.pk}/revisions/compare/?old={older.pk}&new={newer.pk}"
    )
    text = BeautifulSoup(page.content, "html.parser").select_one(".newsroom-compare").get_text(" ")
    with translation.override("az"):
        assert str(Article.Status.DRAFT.label) in text
        assert str(Article.Status.PUBLISHED.label) in text
    assert "draft" not in text
    assert "published" not in text
    assert "+00:00" not in text
    assert "+04:00" not in text
    moment = timezone.localtime(world.published_at)
    assert f"{moment:%H:%M}" in text
