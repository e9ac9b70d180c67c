"""The newsroom's day in Azerbaijani, in a real browser: an Author writes and submits an
article with photos, one of them reused from the library, and a failed save keeps them;
the Editor is told, previews and schedules it; a second Editor's stale save is refused
with their text kept; the article appears to readers at its time, with no cron job."""

import datetime
import io
import re
import time

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from news.models import Article, Notification, Photo
from news.newsroom import images
from tests.factories import PASSWORD, author, editor

TITLE = "Füzulidə yeni yaşayış məhəlləsi"
LEAD = "Köçkün ailələri yeni evlərə qayıdır."
OTHER_LEAD = "İkinci redaktorun yazdığı giriş."
BODY = "Məhəllədə 200 ev tikilib."


@pytest.fixture(scope="module")
def people(demo_site, django_db_blocker):
    """An Author and two Editors, committed for the live server; none has chosen a language."""
    with django_db_blocker.unblock():
        return {
            "author": author("gun-yazar"),
            "editor": editor("gun-redaktor"),
            "second": editor("gun-ikinci"),
        }


@pytest.fixture(scope="module")
def library_photo(demo_site, django_db_blocker):
    """A photo already in the library, with its renditions, for the Author to reuse."""
    with django_db_blocker.unblock():
        buffer = io.BytesIO()
        Image.new("RGB", (800, 500), (60, 140, 90)).save(buffer, "JPEG", quality=85)
        photo = Photo(caption_az="Qayıdan ailələr", alt_az="Ailələr evin önündə")
        photo.credit_az = "Leyla Məmmədova"
        photo.image.save("library.jpg", ContentFile(buffer.getvalue()), save=False)
        photo.save()
        images.refresh_renditions(photo)
        return photo


def image_file(tmp_path, name, colour):
    image = Image.new("RGB", (1000, 700), colour)
    ImageDraw.Draw(image).ellipse([200, 150, 800, 550], fill=(240, 235, 220))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def sign_in(page, user, then):
    page.problems.allow(r"favicon\.ico")
    page.goto(f"/admin/login/?next={then}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(then) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "az")


def loaded(image):
    return image.evaluate("img => img.complete && img.naturalWidth > 0")


def choose_from_library(page, row, words):
    """The library's search box (Django's autocomplete) in gallery row `row`."""
    page.locator(f"#photos-{row} .field-source .select2-selection").click()
    page.locator(".select2-search__field").fill(words)
    page.locator(".select2-results__option", has_text=words).click()


def test_the_newsroom_day_in_azerbaijani(page, open_browser_page, people, library_photo, tmp_path):
    # 1-2. The Author writes, adds a main photo and a gallery photo, and saves without the
    # main photo's description: the form comes back with both photos kept and shown.
    sign_in(page, people["author"], "/admin/news/article/add/")
    page.locator("#id_title_az").fill(TITLE)
    page.locator("#id_lead_az").fill(LEAD)
    body = page.locator(".field-body_az").get_by_role("textbox")
    body.click()
    page.keyboard.type(BODY)
    page.locator("#id_category").select_option(label="Tədbirlər")
    page.locator("#id_photo").set_input_files(image_file(tmp_path, "main.jpg", (40, 90, 150)))
    page.locator("#photos-group .add-row a").click()
    page.locator("#id_photos-0-image").set_input_files(
        image_file(tmp_path, "gallery.jpg", (150, 60, 40))
    )
    page.locator("#id_photos-0-alt_az").fill("Yeni evlər")
    page.locator("#photos-group .add-row a").click()
    choose_from_library(page, 1, "Qayıdan ailələr")
    page.locator("input[name=_save]").click()

    expect(page.locator(".errornote")).to_be_visible()
    kept = page.locator(".newsroom-pending img")
    expect(kept).to_have_count(2)
    for index in range(2):
        assert loaded(kept.nth(index))
    expect(page.locator("#id_title_az")).to_have_value(TITLE)

    page.locator("#id_photo_alt_az").fill("Məhəllənin görünüşü")
    page.locator("#id_status").select_option("review")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    article = Article.objects.get(title_az=TITLE)
    assert article.status == Article.Status.REVIEW
    assert article.photo
    uploaded, reused = article.photos.order_by("id")
    assert uploaded.image
    assert reused.source == library_photo
    assert reused.image.name == library_photo.image.name
    assert reused.credit_az == "Leyla Məmmədova"

    # 3. The Editor is told on the newsroom's home, opens the article and previews it.
    chief = open_browser_page()
    sign_in(chief, people["editor"], "/admin/")
    notice = chief.locator(".newsroom-home__notices li.is-unread a", has_text=TITLE)
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("yoxlamaya göndərdi")
    notice.click()
    expect(chief.locator("#id_title_az")).to_have_value(TITLE)
    assert Notification.objects.filter(recipient=people["editor"], article=article).exists()

    preview = open_browser_page()
    sign_in(preview, people["editor"], "/admin/")
    preview.goto(article.get_absolute_url("az"))
    expect(preview.locator("h1")).to_have_text(TITLE)

    # 4. A second Editor opens the same form before the first one saves.
    second = open_browser_page()
    sign_in(second, people["second"], f"/admin/news/article/{article.pk}/change/")

    # The first Editor schedules it half a minute from now, typed in Azerbaijani formats.
    moment = timezone.localtime(timezone.now() + datetime.timedelta(seconds=30))
    chief.locator("#id_status").select_option("published")
    chief.locator("#id_published_at_0").fill(moment.strftime("%d.%m.%Y"))
    chief.locator("#id_published_at_1").fill(moment.strftime("%H:%M:%S"))
    chief.locator("input[name=_save]").click()
    expect(chief.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert article.is_scheduled

    # The second Editor's save is refused: the conflict names who saved, keeps the text.
    second.problems.allow(r"409")
    second.locator("#id_lead_az").fill(OTHER_LEAD)
    second.locator("input[name=_save]").click()
    conflict = second.locator(".edit-conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("gun-redaktor")
    expect(second.locator("#id_lead_az")).to_have_value(OTHER_LEAD)
    article.refresh_from_db()
    assert article.lead_az == LEAD
    assert article.is_scheduled

    # 5. Readers do not see it before its time, and see it after, with no cron job.
    reader = open_browser_page()
    url = article.get_absolute_url("az")
    assert reader.request.get(url).status == 404
    deadline = time.monotonic() + 90
    while timezone.now() < article.published_at and time.monotonic() < deadline:
        time.sleep(1)
    status = reader.request.get(url).status
    while status != 200 and time.monotonic() < deadline:
        time.sleep(2)
        status = reader.request.get(url).status
    assert status == 200
    reader.goto(url)
    expect(reader.locator("h1")).to_have_text(TITLE)
    expect(reader.locator(".article__lead")).to_have_text(LEAD)
    expect(reader.locator(".gallery__caption", has_text="Qayıdan ailələr")).to_contain_text(
        "Leyla Məmmədova"
    )
