"""Disk full or an unwritable media folder while an editor uploads a photo: the admin
answers with a form error and the article's text is still in the form; nothing is saved.
A full disk while an article's old renditions are made again loses neither the save nor
the photo it shows.

Tests run as root, for whom file permissions mean nothing, so "unwritable" is a media
folder whose parent is a regular file (every mkdir and write fails), and "disk full" is
the storage raising ENOSPC.
"""

import errno
import io
import posixpath
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from news.models import Article, Category
from news.newsroom import images
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

TITLE = "Saxlanmalı olan başlıq"
BODY = "Redaktorun uzun mətni, itməməlidir."


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_superuser("chief", "chief@example.gov.az", "x" * 16)
    client.force_login(user)
    client.raise_request_exception = False
    return client


def _add_form_data(client):
    """Everything the add form would send, with our text and a photo filled in."""
    page = client.get("/admin/news/article/add/")
    assert page.status_code == 200
    form = BeautifulSoup(page.content, "html.parser").find("form", id="article_form")
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") in {"submit", "file", "checkbox"}:
            continue
        if field.name == "select" and field.has_attr("multiple"):
            data[name] = [option.get("value") for option in field.find_all("option", selected=True)]
        elif field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            data[name] = chosen.get("value", "") if chosen else ""
        elif field.name == "textarea":
            data[name] = field.text
        else:
            data[name] = field.get("value", "")
    category = Category.objects.create(name_az="Xəbərlər", name_en="News")
    data.update(
        {
            "title_az": TITLE,
            "body_az": f"<p>{BODY}</p>",
            "category": str(category.pk),
            "status": "draft",
            "photo_alt_az": "Şəkil",
            "photo": _jpeg(),
        }
    )
    data.pop("_continue", None)
    return data


def _assert_form_error_and_text_kept(response):
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    assert TITLE in text
    assert BODY in text
    soup = BeautifulSoup(text, "html.parser")
    errors = soup.select(".errornote, .errorlist, .messagelist .error")
    assert errors, "no error shown to the editor"
    assert Article.objects.count() == 0


def test_unwritable_media_folder_gives_a_form_error(editor_client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder's parent should be")
    settings.MEDIA_ROOT = blocker / "media"
    data = _add_form_data(editor_client)
    response = editor_client.post("/admin/news/article/add/", data)
    _assert_form_error_and_text_kept(response)


def test_full_disk_gives_a_form_error(editor_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    data = _add_form_data(editor_client)
    full = OSError(errno.ENOSPC, "No space left on device")
    with mock.patch("django.core.files.storage.FileSystemStorage._save", side_effect=full):
        response = editor_client.post("/admin/news/article/add/", data)
    _assert_form_error_and_text_kept(response)


def test_the_same_form_saves_when_the_disk_is_fine(editor_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    data = _add_form_data(editor_client)
    response = editor_client.post("/admin/news/article/add/", data)
    errors = BeautifulSoup(response.content, "html.parser").select(".errorlist, .errornote")
    assert response.status_code == 302, [e.get_text(" ", strip=True) for e in errors]
    article = Article.objects.get()
    assert article.title_az == TITLE
    assert article.photo.name


def test_a_full_disk_while_old_renditions_are_remade_keeps_them_and_the_save(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    """Renditions named before hashes are made again when their article is saved; with
    the disk full the article still saves and keeps showing the old ones."""
    settings.MEDIA_ROOT = tmp_path / "media"
    article = ArticleFactory()
    article.photo.save("old.jpg", ContentFile(_jpeg().read()))
    stem = posixpath.splitext(article.photo.name)[0]
    old = {"width": 64, "height": 48, "sizes": [{"w": 64, "h": 48}]}
    for key, extension in (("jpeg", "jpg"), ("webp", "webp")):
        old["sizes"][0][key] = default_storage.save(f"{stem}-64.{extension}", ContentFile(b"x"))
    Article.objects.filter(pk=article.pk).update(photo_renditions=old)
    article.photo_renditions = old
    full = OSError(errno.ENOSPC, "No space left on device")
    with (
        mock.patch("django.core.files.storage.FileSystemStorage._save", side_effect=full),
        django_capture_on_commit_callbacks(execute=True),
    ):
        images.refresh_renditions(article, images.snapshot(article))
    assert Article.objects.values_list("photo_renditions", flat=True).get(pk=article.pk) == old
    assert all((tmp_path / "media" / name).exists() for name in images.rendition_names(old))
