"""The newsroom in a real browser: an editor signs in, writes a bilingual article with a photo
through the form's language switch and the rich-text editor, publishes it, and a reader
sees it."""

import io
import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from news.models import Article
from tests.factories import PASSWORD, editor

TITLE = {"az": "Şuşada yeni məktəb açılıb", "en": "A new school opened in Shusha"}
LEAD = {"az": "Məktəbdə 960 şagird oxuyacaq.", "en": "The school will teach 960 pupils."}
BODY = {
    "az": ("Məktəbin açılışında ", "keçmiş məcburi köçkünlər", " iştirak ediblər."),
    "en": ("Former IDPs ", "took part", " in the opening of the school."),
}
ALT = {"az": "Yeni məktəbin binası", "en": "The new school building"}


@pytest.fixture(scope="module")
def newsroom_editor(demo_site, django_db_blocker):
    """An editor of the newsroom (the migration's Editor group), committed for the server."""
    with django_db_blocker.unblock():
        return editor("browser-editor")


@pytest.fixture
def photo_file(tmp_path):
    image = Image.new("RGB", (1200, 800), (30, 110, 140))
    ImageDraw.Draw(image).rectangle([300, 300, 900, 700], fill=(240, 240, 230))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path = tmp_path / "school.jpg"
    path.write_bytes(buffer.getvalue())
    return path


def sign_in(page, user):
    # The admin names no icon, so the browser asks for /favicon.ico: a 404, not our concern.
    page.problems.allow(r"favicon\.ico")
    page.goto("/admin/login/?next=/admin/news/article/add/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/news/article/add/$"))


def show_language(page, language):
    """The form's one language switch: only that language's fields are shown."""
    names = {"az": "Azərbaycan dili", "en": "İngilis dili"}
    page.locator(".newsroom-languages").get_by_role("button", name=names[language]).click()
    expect(page.locator(f".field-title_{language}")).to_be_visible()
    other = "en" if language == "az" else "az"
    expect(page.locator(f".field-title_{other}")).to_be_hidden()


def write_body(page, language):
    """Type into the rich-text editor and make the middle part bold with its toolbar."""
    editor_area = page.locator(f".field-body_{language}").get_by_role("textbox")
    expect(editor_area).to_be_visible()
    before, bold, after = BODY[language]
    editor_area.click()
    page.keyboard.type(before)
    toolbar = page.locator(f".field-body_{language} .prose-menubar")
    toolbar.get_by_title("Qalın", exact=True).click()  # "bold", in the az admin
    page.keyboard.type(bold)
    toolbar.get_by_title("Qalın", exact=True).click()  # "bold", in the az admin
    page.keyboard.type(after)
    expect(editor_area.locator("strong")).to_have_text(bold)


def test_editor_writes_and_publishes_a_bilingual_article_that_readers_see(
    page, open_browser_page, newsroom_editor, photo_file
):
    sign_in(page, newsroom_editor)
    for language in ("az", "en"):
        show_language(page, language)
        page.locator(f"#id_title_{language}").fill(TITLE[language])
        page.locator(f"#id_lead_{language}").fill(LEAD[language])
        write_body(page, language)
        page.locator(f"#id_photo_alt_{language}").fill(ALT[language])
    # Both side by side: the Azerbaijani field on the left, the English one beside it.
    page.locator(".newsroom-languages").get_by_role("button", name="Hər ikisi, yan-yana").click()
    left = page.locator(".field-title_az").bounding_box()
    right = page.locator(".field-title_en").bounding_box()
    assert right["x"] > left["x"] + left["width"] / 2
    assert abs(right["y"] - left["y"]) < 5
    page.locator("#id_category").select_option(label="Tədbirlər")
    page.locator("#id_status").select_option("published")
    page.locator("#id_photo").set_input_files(photo_file)
    page.locator("input[name=_save]").click()

    expect(page).to_have_url(re.compile(r"/admin/news/article/$"))
    expect(page.locator(".messagelist .success")).to_be_visible()
    article = Article.objects.get(title_az=TITLE["az"])
    assert article.status == Article.Status.PUBLISHED
    assert article.languages == ["az", "en"]
    assert "<strong>keçmiş məcburi köçkünlər</strong>" in article.body_az
    assert "<strong>took part</strong>" in article.body_en
    assert article.photo
    assert article.photo_width == 1200

    reader = open_browser_page()
    reader.goto("/az/")
    newest = reader.locator(".card").first
    expect(newest.locator(".card__title")).to_have_text(TITLE["az"])
    expect(newest.locator("img")).to_be_visible()
    newest.get_by_role("link", name=TITLE["az"]).click()

    expect(reader.locator("h1")).to_have_text(TITLE["az"])
    expect(reader.locator(".article__lead")).to_have_text(LEAD["az"])
    expect(reader.locator(".article__body strong")).to_have_text(BODY["az"][1])
    photo = reader.locator(".article__photo img")
    expect(photo).to_have_attribute("alt", ALT["az"])
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")

    reader.get_by_role("link", name="English").click()
    expect(reader).to_have_url(re.compile(re.escape(article.get_absolute_url("en")) + "$"))
    expect(reader.locator("h1")).to_have_text(TITLE["en"])
    expect(reader.locator(".article__body strong")).to_have_text(BODY["en"][1])
    expect(reader.locator(".article__photo img")).to_have_attribute("alt", ALT["en"])
