"""The photo library: photos uploaded into a gallery join it; any article's gallery can
show a library photo (its file, renditions, texts and credit); the article page shows the
caption and credit; a photo in use cannot be deleted, and the refusal names the articles."""

import importlib

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.test import Client

from news.models import Article, ArticlePhoto, Photo
from tests.factories import ArticleFactory, admin_form_data, author, editor, in_english, photos

pytestmark = [pytest.mark.django_db]


def change_url(article):
    return f"/admin/news/article/{article.pk}/change/"


def signed_in(user):
    client = in_english(Client())
    client.force_login(user)
    return client


def add_gallery_row(client, article, **fields):
    data = admin_form_data(client.get(change_url(article)))
    total = int(data["photos-TOTAL_FORMS"])
    data["photos-TOTAL_FORMS"] = str(total + 1)
    data.update({f"photos-{total}-{name}": value for name, value in fields.items()})
    data.setdefault(f"photos-{total}-order", "0")
    return client.post(change_url(article), data)


@pytest.fixture
def chief(media_root):
    return signed_in(editor("bas"))


def test_an_upload_joins_the_library_and_another_article_reuses_it(
    chief, media_root, reader, django_capture_on_commit_callbacks
):
    first, second = ArticleFactory(), ArticleFactory(title_az="İkinci", title_en="Second")
    response = add_gallery_row(
        chief,
        first,
        image=photos.jpeg(size=(900, 600)),
        alt_az="Yeni evlər",
        alt_en="New houses",
        caption_az="Füzulidə yeni evlər",
        credit_az="Orxan Əliyev",
    )
    assert response.status_code == 302
    uploaded = ArticlePhoto.objects.get(article=first)
    library_photo = Photo.objects.get()
    assert uploaded.source == library_photo
    assert library_photo.image.name == uploaded.image.name
    assert library_photo.caption_az == "Füzulidə yeni evlər"
    assert library_photo.credit_az == "Orxan Əliyev"

    # Found in the library by its caption, then chosen for another article by its id.
    listing = chief.get("/admin/news/photo/", {"q": "Füzulidə"})
    assert "Füzulidə yeni evlər" in listing.content.decode()
    found = chief.get(
        "/admin/autocomplete/",
        {
            "app_label": "news",
            "model_name": "articlephoto",
            "field_name": "source",
            "term": "evlər",
        },
    ).json()
    assert [row["id"] for row in found["results"]] == [str(library_photo.pk)]
    assert add_gallery_row(chief, second, source=str(library_photo.pk)).status_code == 302
    reused = ArticlePhoto.objects.get(article=second)
    assert reused.image.name == library_photo.image.name  # the same file, not a copy
    assert reused.renditions == library_photo.renditions
    assert reused.alt_az == "Yeni evlər"
    assert reused.credit_az == "Orxan Əliyev"
    assert Photo.objects.count() == 1

    # The article page shows the caption and the credit.
    second.status = Article.Status.PUBLISHED
    second.save()
    page = BeautifulSoup(reader.get(second.get_absolute_url("az")).content, "html.parser")
    caption = page.select_one(".gallery__caption").get_text(" ")
    assert "Füzulidə yeni evlər" in caption
    assert "Orxan Əliyev" in caption

    # One gallery row goes: the file stays, the library and the other article name it.
    stored = media_root / library_photo.image.name
    with django_capture_on_commit_callbacks(execute=True):
        uploaded.delete()
    assert stored.exists()


def test_a_photo_in_use_cannot_be_deleted_and_the_refusal_names_the_articles(
    chief, media_root, django_capture_on_commit_callbacks
):
    article = ArticleFactory(title_en="Where the photo is")
    assert add_gallery_row(chief, article, image=photos.png(size=(300, 200)), alt_en="A photo")
    library_photo = Photo.objects.get()
    page = chief.get(f"/admin/news/photo/{library_photo.pk}/delete/")
    assert "Where the photo is" in page.content.decode()
    chief.post(f"/admin/news/photo/{library_photo.pk}/delete/", {"post": "yes"})
    assert Photo.objects.filter(pk=library_photo.pk).exists()

    stored = media_root / library_photo.image.name
    with django_capture_on_commit_callbacks(execute=True):
        ArticlePhoto.objects.all().delete()
        response = chief.post(f"/admin/news/photo/{library_photo.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Photo.objects.exists()
    assert not stored.exists()  # no row names it any more


@pytest.mark.parametrize("source", ["999999", "not-a-number"])
def test_a_library_photo_that_is_not_there_is_a_form_error(chief, source):
    article = ArticleFactory()
    response = add_gallery_row(chief, article, source=source)
    # A form error, or (a value that is no id at all) an empty row that adds nothing.
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "Select a valid choice" in response.content.decode()
    assert not ArticlePhoto.objects.exists()


def test_a_gallery_row_needs_a_photo(chief):
    response = add_gallery_row(chief, ArticleFactory(), alt_en="Nothing chosen")
    assert response.status_code == 200
    assert "Upload a photo or choose one from the library." in response.content.decode()


def test_authors_use_the_library_but_do_not_delete_from_it(media_root):
    client = signed_in(author())
    assert client.get("/admin/news/photo/").status_code == 200
    assert client.get("/admin/news/photo/add/").status_code == 200
    library_photo = Photo.objects.create(caption_az="Köhnə foto")
    assert client.get(f"/admin/news/photo/{library_photo.pk}/delete/").status_code == 403


def test_the_migration_puts_existing_gallery_photos_into_the_library(media_root):
    article = ArticleFactory()
    ArticlePhoto.objects.create(
        article=article, image=photos.png_upload(), alt_az="Köhnə", caption_en="Old"
    )
    migration = importlib.import_module("news.migrations.0007_newsroom")
    migration.gallery_into_library(apps, None)
    gallery_photo = ArticlePhoto.objects.get()
    assert gallery_photo.source.image.name == gallery_photo.image.name
    assert gallery_photo.source.alt_az == "Köhnə"
    assert gallery_photo.source.caption_en == "Old"


def test_a_failed_library_upload_keeps_the_photo(chief, media_root):
    response = chief.post(
        "/admin/news/photo/add/",
        {"image": photos.jpeg(size=(500, 300)), "caption_az": "x" * 400},  # too long
    )
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    token = page.select_one("input[name=image-pending]")["value"]
    assert chief.get(page.select_one(".newsroom-pending img")["src"]).status_code == 200
    saved = chief.post(
        "/admin/news/photo/add/", {"image-pending": token, "caption_az": "Qısa yazı"}
    )
    assert saved.status_code == 302
    assert Photo.objects.get().caption_az == "Qısa yazı"
    assert Photo.objects.get().renditions["sizes"]


# The article's main photo -----------------------------------------------------------


def save_article(client, article, **fields):
    data = admin_form_data(client.get(change_url(article)))
    data.update(fields)
    return client.post(change_url(article), data)


def test_a_library_photo_becomes_the_main_photo_with_its_texts(
    chief, media_root, reader, django_capture_on_commit_callbacks
):
    first, second = ArticleFactory(), ArticleFactory(title_az="İkinci", title_en="Second")
    with django_capture_on_commit_callbacks(execute=True):
        response = save_article(
            chief,
            first,
            photo=photos.jpeg(size=(900, 600)),
            photo_alt_az="Yeni evlər",
            photo_caption_az="Füzulidə yeni evlər",
            photo_credit_az="Orxan Əliyev",
        )
    assert response.status_code == 302
    first.refresh_from_db()
    library_photo = Photo.objects.get()  # the upload joined the library
    assert first.library_photo == library_photo
    assert library_photo.image.name == first.photo.name
    assert library_photo.caption_az == "Füzulidə yeni evlər"
    assert library_photo.credit_az == "Orxan Əliyev"
    assert library_photo.renditions == first.photo_renditions

    # Found with the gallery's search box, chosen for another article's main photo.
    found = chief.get(
        "/admin/autocomplete/",
        {
            "app_label": "news",
            "model_name": "article",
            "field_name": "library_photo",
            "term": "evlər",
        },
    ).json()
    assert [row["id"] for row in found["results"]] == [str(library_photo.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        response = save_article(
            chief, second, library_photo=str(library_photo.pk), photo_credit_en="Own credit"
        )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.library_photo == library_photo
    assert second.photo.name == library_photo.image.name  # the same file, not a copy
    assert second.photo_renditions == library_photo.renditions
    assert second.photo_alt_az == "Yeni evlər"
    assert second.photo_caption_az == "Füzulidə yeni evlər"
    assert second.photo_credit_az == "Orxan Əliyev"
    assert second.photo_credit_en == "Own credit"  # what the editor typed is kept
    assert Photo.objects.count() == 1
    assert (media_root / library_photo.image.name).exists()

    second.status = Article.Status.PUBLISHED
    second.save()
    page = BeautifulSoup(reader.get(second.get_absolute_url("az")).content, "html.parser")
    figure = page.select_one(".article__photo")
    assert figure.select_one("img")["alt"] == "Yeni evlər"
    caption = figure.select_one("figcaption").get_text(" ")
    assert "Füzulidə yeni evlər" in caption
    assert "Orxan Əliyev" in caption

    # Saved again unchanged: no new library photo, the link stays.
    assert save_article(chief, second).status_code == 302
    second.refresh_from_db()
    assert second.library_photo == library_photo
    assert Photo.objects.count() == 1


def test_a_main_photo_in_use_cannot_be_deleted_and_the_refusal_names_the_article(
    chief, media_root, django_capture_on_commit_callbacks
):
    library_photo = Photo.objects.create(alt_en="A photo", image=photos.png_upload())
    article = ArticleFactory(title_en="Main photo here")
    with django_capture_on_commit_callbacks(execute=True):
        assert save_article(chief, article, library_photo=str(library_photo.pk)).status_code == 302
    page = chief.get(f"/admin/news/photo/{library_photo.pk}/delete/")
    assert "Main photo here" in page.content.decode()
    chief.post(f"/admin/news/photo/{library_photo.pk}/delete/", {"post": "yes"})
    assert Photo.objects.filter(pk=library_photo.pk).exists()
    assert (media_root / library_photo.image.name).exists()


@pytest.mark.parametrize("value", ["999999", "not-a-number"])
def test_a_main_library_photo_that_is_not_there_is_a_form_error(chief, value):
    article = ArticleFactory()
    response = save_article(chief, article, library_photo=value)
    # A form error, or (a value that is no id at all) no photo chosen: never a 500.
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "Select a valid choice" in response.content.decode()
    article.refresh_from_db()
    assert article.library_photo is None
    assert not article.photo


def test_the_migration_links_existing_main_photos_to_the_library(media_root):
    shared = Photo.objects.create(image=photos.png_upload(), alt_az="Kitabxana")
    linked = ArticleFactory()
    Article.objects.filter(pk=linked.pk).update(photo=shared.image.name)
    own = ArticleFactory(photo_alt_az="Öz foto")
    # A file that is gone must not stop the migration.
    Article.objects.filter(pk=own.pk).update(
        photo="articles/2020/01/old.jpg", photo_width=40, photo_height=30
    )
    migration = importlib.import_module("news.migrations.0009_main_photo_library")
    migration.main_photos_into_library(apps, None)
    links = dict(Article.objects.values_list("pk", "library_photo"))
    assert links[linked.pk] == shared.pk
    created = Photo.objects.filter(pk=links[own.pk]).values("image", "width", "alt_az").get()
    assert created == {"image": "articles/2020/01/old.jpg", "width": 40, "alt_az": "Öz foto"}
    assert Photo.objects.count() == 2
