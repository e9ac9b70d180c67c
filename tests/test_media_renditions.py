"""Photo renditions are named by their bytes and kept a year by readers' browsers.

A rendition's name carries a hash of its content, so a replaced photo gets new URLs and an
old URL never shows a new picture: /media/ serves those names with
`Cache-Control: public, max-age=31536000, immutable`, everything else for a week.
Renditions named before hashes keep working and are made again, shared files included,
when their row is saved or `upgrade_renditions` runs; the old files then go.
"""

import hashlib
import importlib
import io
import posixpath
import re

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from news.models import Article, ArticlePhoto, Photo
from news.newsroom import images, library
from portal.media import RENDITION
from tests.factories import ArticleFactory
from tests.factories.photos import image_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

YEAR = "public, max-age=31536000, immutable"
WEEK = "public, max-age=604800"


def _article_with_photo(name="photo.jpg", color=(200, 40, 40), size=(1000, 600)):
    article = ArticleFactory()
    article.photo.save(name, ContentFile(image_bytes(size=size, color=color)))
    images.refresh_renditions(article)
    return article


def _page_image_urls(client, article):
    soup = BeautifulSoup(client.get(article.get_absolute_url("az")).content, "html.parser")
    urls = []
    for node in soup.select("picture source, picture img"):
        urls += [part.split()[0] for part in node.get("srcset", "").split(",") if part.strip()]
        if node.get("src"):
            urls.append(node["src"])
    return [url for url in urls if url.startswith("/media/")]


def _old_style(field_file):
    """Renditions as they were named before hashes ("<stem>-640.webp"), written as then."""
    made = images.make_renditions(field_file)
    stem = posixpath.splitext(field_file.name)[0]
    for entry in made["sizes"]:
        for key, extension in (("jpeg", "jpg"), ("webp", "webp")):
            with default_storage.open(entry[key]) as handle:
                data = handle.read()
            default_storage.delete(entry[key])
            entry[key] = default_storage.save(f"{stem}-{entry['w']}.{extension}", ContentFile(data))
    return made


def _stored_files(media_root):
    return sorted(str(path.relative_to(media_root)) for path in media_root.rglob("*.*"))


# Names --------------------------------------------------------------------------------


def test_every_rendition_is_named_by_a_hash_of_its_bytes(media_root):
    article = _article_with_photo()
    names = images.rendition_names(article.photo_renditions)
    assert len(names) == 2 * len(article.photo_renditions["sizes"]) == 8  # 320 … 1000, x2
    stem = posixpath.splitext(article.photo.name)[0]
    for name in names:
        digest = hashlib.sha256((media_root / name).read_bytes()).hexdigest()[:16]
        assert re.fullmatch(rf"{re.escape(stem)}\.{digest}-\d+\.(jpg|webp)", name), name
        assert RENDITION.fullmatch(name), "served as a rendition"
    assert images.hashed(article.photo_renditions)
    assert not RENDITION.fullmatch(article.photo.name), "the original is not"


def test_making_the_same_renditions_again_reuses_the_files(media_root):
    article = _article_with_photo()
    before = _stored_files(media_root)
    again = images.make_renditions(article.photo)
    assert again == article.photo_renditions
    assert _stored_files(media_root) == before, "no second copy under another name"


def test_a_rendition_file_cut_short_is_written_again(media_root):
    article = _article_with_photo()
    name = article.photo_renditions["sizes"][0]["webp"]
    whole = (media_root / name).read_bytes()
    (media_root / name).write_bytes(whole[:100])
    assert images.make_renditions(article.photo) == article.photo_renditions
    assert (media_root / name).read_bytes() == whole


def test_a_replaced_photo_gets_new_urls_and_its_old_files_go(
    reader, media_root, django_capture_on_commit_callbacks
):
    article = _article_with_photo(color=(200, 40, 40))
    old_urls = _page_image_urls(reader, article)
    assert old_urls
    old_files = _stored_files(media_root)
    previous = images.snapshot(article)
    article.photo.save("new.jpg", ContentFile(image_bytes(size=(1000, 600), color=(20, 90, 200))))
    with django_capture_on_commit_callbacks(execute=True):
        images.refresh_renditions(article, previous)
    new_urls = _page_image_urls(reader, article)
    assert new_urls
    assert not set(new_urls) & set(old_urls)
    for url in new_urls:
        response = reader.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == YEAR
    for url in old_urls:
        assert reader.get(url).status_code == 404, url
    assert not set(old_files) & set(_stored_files(media_root))


# Serving ------------------------------------------------------------------------------


def test_renditions_are_kept_a_year_and_other_uploads_a_week(client, media_root):
    article = _article_with_photo()
    entry = article.photo_renditions["sizes"][1]
    for key, content_type in (("jpeg", "image/jpeg"), ("webp", "image/webp")):
        response = client.get(default_storage.url(entry[key]))
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Cache-Control"] == YEAR
        assert response["X-Content-Type-Options"] == "nosniff"
        again = client.get(
            default_storage.url(entry[key]), HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]
        )
        assert again.status_code == 304
        assert again["Cache-Control"] == YEAR
    (media_root / "documents").mkdir()
    (media_root / "documents" / "law.0123456789abcdef-1.jpg").write_bytes(b"not ours")
    (media_root / "documents" / "law.pdf").write_bytes(b"%PDF-1.4\n")
    for url in (
        default_storage.url(article.photo.name),  # the original
        "/media/documents/law.0123456789abcdef-1.jpg",  # a look-alike outside the photos
        "/media/documents/law.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == WEEK, url


def test_a_missing_rendition_is_a_404_that_is_not_kept(client):
    response = client.get("/media/articles/2026/01/nothing.0123456789abcdef-640.webp")
    assert response.status_code == 404
    assert "immutable" not in response.get("Cache-Control", "")


# Renditions named before hashes ---------------------------------------------------------


def test_old_renditions_keep_working_until_the_row_is_saved(
    reader, media_root, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    article.photo.save("old.jpg", ContentFile(image_bytes(size=(1000, 600))))
    old = _old_style(article.photo)
    Article.objects.filter(pk=article.pk).update(photo_renditions=old)
    article.refresh_from_db()
    assert not images.hashed(article.photo_renditions)
    old_urls = _page_image_urls(reader, article)
    assert old_urls
    for url in old_urls:
        response = reader.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == WEEK, url

    # An editor saves the article (its photo unchanged): the renditions are made again.
    with django_capture_on_commit_callbacks(execute=True):
        images.refresh_renditions(article, images.snapshot(article))
    article.refresh_from_db()
    assert images.hashed(article.photo_renditions)
    new_urls = _page_image_urls(reader, article)
    assert new_urls
    assert not set(new_urls) & set(old_urls), "the page names the new files at once"
    for url in new_urls:
        response = reader.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == YEAR
    assert not any((media_root / name).exists() for name in images.rendition_names(old))
    assert (media_root / article.photo.name).exists()


def test_a_shared_library_file_is_upgraded_for_every_row_that_shows_it(
    media_root, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    gallery = ArticlePhoto(article=article, order=1, alt_az="Foto")
    gallery.image.save("shared.jpg", ContentFile(image_bytes(size=(800, 500))), save=False)
    gallery.save()
    old = _old_style(gallery.image)
    ArticlePhoto.objects.filter(pk=gallery.pk).update(renditions=old)
    gallery.refresh_from_db()
    photo = library.add(gallery)
    other = ArticlePhoto(article=ArticleFactory(), order=1)
    library.show(other, photo)
    other.save()
    assert Photo.objects.get().renditions == old

    photo.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        images.refresh_renditions(photo, images.snapshot(photo))  # the library photo is saved
    new = Photo.objects.get().renditions
    assert images.hashed(new)
    assert {row.renditions == new for row in ArticlePhoto.objects.all()} == {True}
    assert all((media_root / name).exists() for name in images.rendition_names(new))
    assert not any((media_root / name).exists() for name in images.rendition_names(old))


def test_upgrade_renditions_does_every_old_image_once(
    media_root, django_capture_on_commit_callbacks
):
    articles = []
    for number in range(2):
        article = ArticleFactory()
        article.photo.save(f"a{number}.jpg", ContentFile(image_bytes(size=(700, 400))))
        Article.objects.filter(pk=article.pk).update(photo_renditions=_old_style(article.photo))
        articles.append(article)
    current = _article_with_photo()
    made = current.photo_renditions
    output = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("upgrade_renditions", stdout=output)
    assert output.getvalue().startswith("2 image(s)")
    for article in articles:
        article.refresh_from_db()
        assert images.hashed(article.photo_renditions)
        assert all(
            (media_root / name).exists()
            for name in images.rendition_names(article.photo_renditions)
        )
    current.refresh_from_db()
    assert current.photo_renditions == made
    renditions = [name for name in _stored_files(media_root) if re.search(r"-\d+\.", name)]
    named = [
        name
        for row in (*articles, current)
        for name in images.rendition_names(row.photo_renditions)
    ]
    assert sorted(renditions) == sorted(named), "the old files are gone"
    assert images.upgrade_renditions() == 0


def test_an_unreadable_original_keeps_its_old_renditions_and_the_save_goes_on(
    media_root, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    article.photo.save("gone.jpg", ContentFile(image_bytes(size=(700, 400))))
    old = _old_style(article.photo)
    Article.objects.filter(pk=article.pk).update(photo_renditions=old)
    article.refresh_from_db()
    (media_root / article.photo.name).unlink()
    with django_capture_on_commit_callbacks(execute=True):
        images.refresh_renditions(article, images.snapshot(article))
    stored = Article.objects.values_list("photo_renditions", flat=True).get(pk=article.pk)
    assert stored == old
    assert all((media_root / name).exists() for name in images.rendition_names(old))
    # Nor does the whole run stop for it, even where reading the row needs the file.
    Article.objects.filter(pk=article.pk).update(photo_width=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert images.upgrade_renditions() == 0
    stored = Article.objects.values_list("photo_renditions", flat=True).get(pk=article.pk)
    assert stored == old


# The demo -----------------------------------------------------------------------------


def test_demo_photos_keep_their_sizes_so_pages_never_open_the_originals(reader, media_root):
    """Rows with an image but no stored size make Django open and decode the file each
    time one is loaded: a missing original then turned a listing into a server error."""
    call_command("load_demo", verbosity=0)
    rows = [
        *[(a.photo, a.photo_width, a.photo_height) for a in Article.objects.exclude(photo="")],
        *[(photo.image, photo.width, photo.height) for photo in ArticlePhoto.objects.all()],
    ]
    assert rows
    originals = []
    for image, width, height in rows:
        originals.append(media_root / image.name)
        with image.open() as opened:
            assert (width, height) == Image.open(opened).size, image.name
    # The originals gone (a shared volume not mounted yet, a file deleted by hand): the
    # pages are made from the renditions and the stored sizes alone.
    for path in originals:
        path.unlink(missing_ok=True)
    article = Article.objects.exclude(photo="").first()
    for url in ["/az/", "/en/", article.category.get_absolute_url(), article.get_absolute_url()]:
        assert reader.get(url).status_code == 200, url


def test_the_migration_fills_missing_sizes_from_the_renditions_without_the_files(media_root):
    from django.apps import apps

    fill_sizes = importlib.import_module("news.migrations.0012_stored_photo_sizes").fill_sizes
    article = _article_with_photo(size=(1000, 600))
    unmade = _article_with_photo(name="unmade.jpg")
    Article.objects.filter(pk__in=[article.pk, unmade.pk]).update(
        photo_width=None, photo_height=None
    )
    Article.objects.filter(pk=unmade.pk).update(photo_renditions={})
    (media_root / article.photo.name).unlink()  # the sizes must come from the renditions
    fill_sizes(apps, None)
    sizes = dict(Article.objects.values_list("pk", "photo_width").filter(photo_height__gt=0))
    assert sizes == {article.pk: 1000}  # and a row with nothing to go by is left alone


def test_demo_photos_have_hashed_renditions_kept_a_year(reader, media_root):
    call_command("load_demo", verbosity=0)
    photos = [*Article.objects.exclude(photo=""), *ArticlePhoto.objects.all()]
    assert photos
    for row in photos:
        renditions = row.photo_renditions if isinstance(row, Article) else row.renditions
        assert images.hashed(renditions)
    home = BeautifulSoup(reader.get("/az/").content, "html.parser")
    sources = [img["src"] for img in home.select("picture img") if img.get("src")]
    assert sources
    for url in sources:
        response = reader.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == YEAR, url
