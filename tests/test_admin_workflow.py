"""The real admin, driven by a logged-in editor: a bilingual article with a photo and a
gallery is created, submitted, published, scheduled, withdrawn, and a revision restored."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from core.text import slugify_az
from news.models import Article, ArticlePhoto, Category, Photo
from news.newsroom.revisions import versions_of
from tests.factories import ArticleFactory, admin_form_data, photos

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]
ADD_URL = "/admin/news/article/add/"


@pytest.fixture
def category():
    return Category.objects.create(name_az="Tədbirlər", name_en="Events")


def change_url(article):
    return f"/admin/news/article/{article.pk}/change/"


def errors_of(response):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(response.content, "html.parser")
    return [e.get_text(" ", strip=True) for e in soup.select(".errorlist, .errornote")]


def save(client, article, **changes):
    """Open the change form, change some fields, send it back like a browser."""
    data = admin_form_data(client.get(change_url(article)))
    data.update(changes)
    response = client.post(change_url(article), data)
    assert response.status_code == 302, errors_of(response)
    article.refresh_from_db()
    return response


def local_parts(moment):
    moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M:%S")


def create_bilingual_article(client, category):
    data = admin_form_data(client.get(ADD_URL))
    data.update(
        {
            "title_az": "Xankəndidə yeni məktəb açıldı",
            "title_en": "A new school opened in Khankendi",
            "lead_az": "Qısa xülasə.",
            "lead_en": "A short summary.",
            "body_az": "<h2>Məktəb</h2><p>Azərbaycanca <strong>mətn</strong>.</p>",
            "body_en": "<h2>School</h2><p>English <em>text</em>.</p><script>alert(1)</script>",
            "category": str(category.pk),
            "status": "draft",
            "photo": photos.jpeg_with_gps(size=(1600, 900), orientation=1),
            "photo_alt_az": "Məktəbin binası",
            "photo_alt_en": "The school building",
            "photos-TOTAL_FORMS": "1",
            "photos-0-image": photos.png(size=(1000, 800)),
            "photos-0-alt_az": "Sinif otağı",
            "photos-0-alt_en": "A classroom",
            "photos-0-caption_az": "Yeni sinif",
            "photos-0-caption_en": "A new classroom",
            "photos-0-order": "0",
        }
    )
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, errors_of(response)
    return Article.objects.get()


def test_the_whole_newsroom_workflow_through_the_admin(editor_client, visitor, category):
    # Create: both languages, a main photo with GPS data, one gallery photo.
    article = create_bilingual_article(editor_client, category)
    assert article.status == Article.Status.DRAFT
    assert article.author.username.startswith("editor")
    assert article.written_languages == "az en"
    assert article.slug_az == slugify_az("Xankəndidə yeni məktəb açıldı")
    assert "<script" not in article.body_en
    assert "holiday" not in article.photo.name  # the server named it
    with article.photo.open("rb") as handle:
        stored = handle.read()
    assert b"Exif" not in stored
    assert {entry["w"] for entry in article.photo_renditions["sizes"]} == {
        320,
        640,
        960,
        1280,
        1600,
    }
    gallery = ArticlePhoto.objects.get(article=article)
    assert gallery.alt_en == "A classroom"
    assert gallery.renditions["sizes"][-1]["w"] == 1000
    assert visitor.get(article.get_absolute_url("az")).status_code == 404  # drafts are hidden

    # Submit for review, then publish.
    save(editor_client, article, status="review")
    assert article.status == Article.Status.REVIEW
    save(editor_client, article, status="published")
    assert article.status == Article.Status.PUBLISHED
    page = visitor.get(article.get_absolute_url("en"))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<source type="image/webp"' in html
    assert 'srcset="' in html
    assert " 640w" in html
    assert 'width="' in html
    assert 'height="' in html
    assert "A new classroom" in html  # the gallery's caption
    assert 'alt="A classroom"' in html

    # Schedule: a future publication time hides it again, with no cron job.
    date, time = local_parts(timezone.now() + datetime.timedelta(days=2))
    save(editor_client, article, published_at_0=date, published_at_1=time)
    assert article.is_scheduled
    assert visitor.get(article.get_absolute_url("en")).status_code == 404
    listing = editor_client.get("/admin/news/article/?state=scheduled")
    assert "Scheduled" in listing.content.decode()
    assert article.get_absolute_url("en") in editor_client.get(
        f"/admin/r/{_content_type_id()}/{article.pk}/"
    ).get("Location", "")

    # Publish now, then withdraw with a reason: the page stays, with the notice.
    date, time = local_parts(timezone.now() - datetime.timedelta(minutes=5))
    save(editor_client, article, published_at_0=date, published_at_1=time)
    response = editor_client.post(
        change_url(article),
        {**admin_form_data(editor_client.get(change_url(article))), "status": "withdrawn"},
    )
    assert response.status_code == 200  # no reason given: a form error
    assert any("withdrawn" in error for error in errors_of(response))
    save(editor_client, article, status="withdrawn", withdrawn_reason_en="Figures were wrong.")
    assert article.status == Article.Status.WITHDRAWN
    page = visitor.get(article.get_absolute_url("en"))
    assert page.status_code == 200
    assert "Figures were wrong." in page.content.decode()

    # Revisions: every save kept one; compare two, then restore the first texts.
    versions = list(versions_of(article))
    assert len(versions) == 6
    oldest, newest = versions[-1], versions[0]
    save(editor_client, article, title_en="A corrected headline")
    revisions_page = editor_client.get(f"/admin/news/article/{article.pk}/revisions/")
    assert revisions_page.status_code == 200
    latest = versions_of(article).first()
    compare = editor_client.get(
        f"/admin/news/article/{article.pk}/revisions/compare/?old={oldest.pk}&new={latest.pk}"
    )
    assert compare.status_code == 200
    text = compare.content.decode()
    assert "<del>" in text
    assert "<ins>" in text
    assert "corrected" in text
    response = editor_client.post(
        f"/admin/news/article/{article.pk}/revisions/{oldest.pk}/restore/"
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title_en == "A new school opened in Khankendi"
    assert article.status == Article.Status.WITHDRAWN  # texts only; the state stays
    assert versions_of(article).count() == 8
    assert newest.pk != latest.pk


def _content_type_id():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Article).pk


def test_view_on_site_previews_a_draft_for_staff_only(editor_client, visitor, category):
    article = create_bilingual_article(editor_client, category)
    redirect = editor_client.get(f"/admin/r/{_content_type_id()}/{article.pk}/")
    assert redirect.status_code == 302
    preview = editor_client.get(redirect["Location"])
    assert preview.status_code == 200
    assert preview["Cache-Control"] == "no-store"
    assert visitor.get(redirect["Location"]).status_code == 404


def test_bad_photo_is_a_form_error_and_keeps_the_text(editor_client, category):
    data = admin_form_data(editor_client.get(ADD_URL))
    data.update(
        {
            "title_az": "Başlıq",
            "body_az": "<p>Mətn itməməlidir</p>",
            "category": str(category.pk),
            "photo": photos.text_named_jpg(),
            "photo_alt_az": "Şəkil",
        }
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert any("not a JPEG, PNG or WebP" in error for error in errors_of(response))
    assert "Mətn itməməlidir" in response.content.decode()
    assert not Article.objects.exists()


def test_photo_bomb_through_the_admin_is_a_form_error(editor_client, category):
    data = admin_form_data(editor_client.get(ADD_URL))
    data.update(
        {
            "title_az": "Başlıq",
            "body_az": "<p>Mətn</p>",
            "category": str(category.pk),
            "photo": photos.png_bomb(),
            "photo_alt_az": "Şəkil",
        }
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert any("megapixels" in error for error in errors_of(response))


def test_replacing_and_deleting_photos_removes_their_files(
    editor_client, category, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = create_bilingual_article(editor_client, category)
    old_files = [article.photo.path] + [
        str(media_root / entry[kind])
        for entry in article.photo_renditions["sizes"]
        for kind in ("jpeg", "webp")
    ]
    assert all(_exists(path) for path in old_files)
    first_main = Photo.objects.get(image=article.photo.name)
    with django_capture_on_commit_callbacks(execute=True):
        save(editor_client, article, photo=photos.webp(size=(800, 500)))
    # A main photo upload joins the library as a gallery upload does: the replaced file
    # stays while its library photo names it, and goes with it.
    assert all(_exists(path) for path in old_files)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"/admin/news/photo/{first_main.pk}/delete/", {"post": "yes"})
    assert not any(_exists(path) for path in old_files)
    assert article.photo.name.endswith(".webp")
    assert article.photo_renditions["sizes"][-1]["w"] == 800

    gallery_photo = article.photos.get()
    gallery_files = [gallery_photo.image.path] + [
        str(media_root / entry["jpeg"]) for entry in gallery_photo.renditions["sizes"]
    ]
    with django_capture_on_commit_callbacks(execute=True):
        save(editor_client, article, **{"photos-0-DELETE": "on"})
    # The upload joined the photo library, which still names the file: it stays until
    # the library photo goes too.
    assert all(_exists(path) for path in gallery_files)
    library_photo = Photo.objects.get(image=gallery_photo.image.name)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            f"/admin/news/photo/{library_photo.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert not any(_exists(path) for path in gallery_files)

    current = [article.photo.path]
    main = article.library_photo
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/admin/news/article/{article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert all(_exists(path) for path in current)  # its library photo still names it
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"/admin/news/photo/{main.pk}/delete/", {"post": "yes"})
    assert not any(_exists(path) for path in current)


def _exists(path):
    import os

    return os.path.exists(path)


def test_clearing_the_photo_removes_its_renditions(
    editor_client, category, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = create_bilingual_article(editor_client, category)
        renditions = [str(media_root / e["webp"]) for e in article.photo_renditions["sizes"]]
        main = article.library_photo
        save(editor_client, article, **{"photo-clear": "on", "photo_alt_az": "x"})
    assert not article.photo
    assert article.photo_renditions == {}
    assert article.library_photo is None
    # The photo stays in the library (and so do its files) until it is deleted there.
    assert all(_exists(path) for path in renditions)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"/admin/news/photo/{main.pk}/delete/", {"post": "yes"})
    assert not any(_exists(path) for path in renditions)


def test_slugs_are_unique_per_language(editor_client, category):
    first = create_bilingual_article(editor_client, category)
    data = admin_form_data(editor_client.get(ADD_URL))
    data.update(
        {
            "title_az": first.title_az,
            "title_en": first.title_en,
            "body_az": "<p>Başqa</p>",
            "body_en": "<p>Other</p>",
            "category": str(category.pk),
        }
    )
    assert editor_client.post(ADD_URL, data).status_code == 302
    second = Article.objects.exclude(pk=first.pk).get()
    assert second.slug_az == f"{first.slug_az}-2"
    assert second.slug_en == f"{first.slug_en}-2"
    # A slug typed by hand that another article uses is a clear form error.
    data = admin_form_data(editor_client.get(change_url(second)))
    data["slug_en"] = first.slug_en
    response = editor_client.post(change_url(second), data)
    assert response.status_code == 200
    assert any("already uses this address" in error for error in errors_of(response))
    # The old slug keeps working: it redirects to the new one.
    old = second.get_absolute_url("en")
    save(editor_client, second, slug_en="a-better-address")
    second.status = Article.Status.PUBLISHED
    second.save()
    response = editor_client.get(old)
    assert response.status_code == 301
    assert response["Location"].endswith("/a-better-address/")


def test_public_change_note_gets_its_date(editor_client, visitor, category):
    article = create_bilingual_article(editor_client, category)
    save(editor_client, article, status="published")
    assert article.change_noted_at is None
    save(editor_client, article, change_note_en="The number of pupils was corrected.")
    assert article.change_noted_at is not None
    page = visitor.get(article.get_absolute_url("en")).content.decode()
    assert "Updated" in page
    assert "The number of pupils was corrected." in page


def test_gallery_photos_can_be_inserted_into_the_body(editor_client, category):
    article = create_bilingual_article(editor_client, category)
    page = editor_client.get(change_url(article)).content.decode()
    photo = article.photos.get()
    url = [e for e in photo.renditions["sizes"] if e["w"] <= 960][-1]["jpeg"]
    assert 'class="button newsroom-insert"' in page
    assert f'data-src="/media/{url}"' in page
    assert 'data-alt-en="A classroom"' in page
    # What the picker inserts survives the sanitiser.
    save(editor_client, article, body_en=f'<p>Text</p><img src="/media/{url}" alt="A classroom">')
    assert f'<img src="/media/{url}" alt="A classroom">' in article.body_en


def test_image_sizes_are_read_from_the_reencoded_file(editor_client, category):
    article = create_bilingual_article(editor_client, category)
    with article.photo.open("rb") as handle, Image.open(io.BytesIO(handle.read())) as image:
        assert (article.photo_width, article.photo_height) == image.size


def test_publishing_an_old_draft_publishes_it_now(editor_client):
    from tests.factories import ArticleFactory

    started = timezone.now() - datetime.timedelta(days=3)
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=started)
    save(editor_client, draft, status="published")
    assert draft.published_at > timezone.now() - datetime.timedelta(minutes=1)


def test_revision_diff_escapes_what_it_shows(editor_client, category):
    article = create_bilingual_article(editor_client, category)
    save(editor_client, article, title_en='<img src=x onerror="alert(1)"> headline')
    old, new = list(versions_of(article))[::-1][:2]
    page = editor_client.get(
        f"/admin/news/article/{article.pk}/revisions/compare/?old={old.pk}&new={new.pk}"
    ).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x" in page


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("revisions/compare/?old=x&new=1", 404),
        ("revisions/compare/", 404),
        ("revisions/compare/?old=999999&new=999998", 404),
        ("revisions/999999/restore/", 404),  # another article's revision, or none
    ],
)
def test_revision_views_answer_bad_input_without_a_500(editor_client, category, path, status):
    article = create_bilingual_article(editor_client, category)
    assert editor_client.get(f"/admin/news/article/{article.pk}/{path}").status_code == status


def test_revision_views_of_a_missing_article_are_404(editor_client):
    assert editor_client.get("/admin/news/article/987654/revisions/").status_code == 404
    assert editor_client.get("/admin/news/article/abc/revisions/").status_code == 404
    assert editor_client.post("/admin/news/article/987654/revisions/1/restore/").status_code == 404


def test_restoring_asks_first_and_shows_what_will_change(editor_client, category):
    from bs4 import BeautifulSoup

    article = create_bilingual_article(editor_client, category)
    save(editor_client, article, title_en="A corrected headline")
    oldest = versions_of(article).last()
    url = f"/admin/news/article/{article.pk}/revisions/{oldest.pk}/restore/"

    page = BeautifulSoup(editor_client.get(url).content, "html.parser")
    diff = page.select_one(".newsroom-restore .newsroom-diff")
    assert "corrected" in " ".join(tag.get_text() for tag in diff.select("del"))
    assert "Khankendi" in " ".join(tag.get_text() for tag in diff.select("ins"))
    assert page.select_one(".newsroom-restore form[method=post]")
    article.refresh_from_db()
    assert article.title_en == "A corrected headline"  # asking changed nothing

    other = ArticleFactory()
    save(editor_client, other, title_en="Other")
    foreign = versions_of(other).first()
    assert (
        editor_client.get(
            f"/admin/news/article/{article.pk}/revisions/{foreign.pk}/restore/"
        ).status_code
        == 404
    )
    assert editor_client.put(url).status_code == 405

    assert editor_client.post(url).status_code == 302
    article.refresh_from_db()
    assert article.title_en == "A new school opened in Khankendi"
