"""Nothing uploaded is lost: photos chosen with a form that had errors are kept, shown as
chosen with a working preview, and used by the next valid save; abandoned ones are
cleaned up."""

import datetime
import os
import time

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client

from news.models import Article, ArticlePhoto, Category
from news.newsroom import clean_abandoned_uploads
from tests.factories import admin_form_data, editor, in_english, photos

pytestmark = [pytest.mark.django_db]
ADD_URL = "/admin/news/article/add/"


@pytest.fixture
def category():
    return Category.objects.create(name_az="Tədbirlər", name_en="Events")


def pending_files(media_root):
    folder = media_root / "pending"
    return sorted(folder.iterdir()) if folder.exists() else []


def failed_post(client, category):
    """An article with a main photo and a gallery photo, posted without the photo's alt."""
    data = admin_form_data(client.get(ADD_URL))
    data.update(
        {
            "title_az": "Yeni məktəb",
            "body_az": "<p>Mətn.</p>",
            "category": str(category.pk),
            "status": "draft",
            "photo": photos.jpeg(size=(800, 500)),
            "photos-TOTAL_FORMS": "1",
            "photos-0-image": photos.png(size=(600, 400)),
            "photos-0-alt_az": "Sinif otağı",
            "photos-0-order": "0",
        }
    )
    response = client.post(ADD_URL, data)
    assert response.status_code == 200  # the form again: the main photo has no description
    return response


def test_uploads_survive_a_failed_save_and_are_used_by_the_next(
    client, category, media_root, django_capture_on_commit_callbacks
):
    in_english(client).force_login(editor())
    response = failed_post(client, category)
    page = BeautifulSoup(response.content, "html.parser")

    kept = page.select(".newsroom-pending")
    assert len(kept) == 2  # the main photo and the gallery photo, shown as chosen
    assert {field["name"] for field in page.select(".newsroom-pending input[type=hidden]")} == {
        "photo-pending",
        "photos-0-image-pending",
    }
    assert len(pending_files(media_root)) == 2
    # No preview points at an upload that is not stored: every uploaded image shown loads.
    for image in page.select("#article_form img"):
        if not image["src"].startswith("/static/"):
            assert client.get(image["src"]).status_code == 200, image["src"]
    preview = client.get(kept[0].select_one("img")["src"])
    assert preview.status_code == 200
    assert preview["Content-Type"].startswith("image/")
    # Another editor cannot see it.
    other = in_english(Client())
    other.force_login(editor())
    assert other.get(kept[0].select_one("img")["src"]).status_code == 404

    data = admin_form_data(response)  # what the browser sends back: no files, the tokens
    data["photo_alt_az"] = "Məktəbin binası"
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(ADD_URL, data)
    assert saved.status_code == 302
    article = Article.objects.get()
    assert article.photo
    assert article.photo_renditions["sizes"]
    # The kept main photo joined the library as an upload does, sharing its file.
    assert article.library_photo.image.name == article.photo.name
    assert article.library_photo.alt_az == "Məktəbin binası"
    gallery = ArticlePhoto.objects.get(article=article)
    assert gallery.image
    assert gallery.renditions["sizes"][-1]["w"] == 600
    assert pending_files(media_root) == []  # used, so no longer kept


def test_a_forged_or_expired_token_is_a_form_error(client, category, media_root):
    in_english(client).force_login(editor())
    data = admin_form_data(failed_post(client, category))
    data["photo_alt_az"] = "Təsvir"
    data["photo-pending"] = data["photo-pending"][:-3] + "xyz"
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "choose the file again" in response.content.decode()
    assert not Article.objects.exists()


def test_abandoned_uploads_are_cleaned_up(client, category, media_root):
    in_english(client).force_login(editor())
    failed_post(client, category)
    old, recent = pending_files(media_root)
    long_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (long_ago, long_ago))

    assert clean_abandoned_uploads() == 1
    assert pending_files(media_root) == [recent]
    call_command("clean_pending_uploads", hours=0)
    assert pending_files(media_root) == []
    assert clean_abandoned_uploads(datetime.timedelta(hours=1)) == 0
