"""The article on paper, on a phone and zoomed in: what matters stays, nothing scrolls sideways."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.site_pages import all_pages, expected_status, page_id, url_for

HIDDEN_ON_PAPER = [
    ".topbar",
    ".search-form",
    ".main-nav",
    ".layout__sidebar",
    ".site-footer",
    ".print-link",
    ".skip-link",
    ".article__views",  # a count of readers means nothing on paper
    ".share",
    ".breadcrumbs",
]

# window.print would open a dialog; the stub counts the calls instead.
PRINT_STUB = "window.print = () => { window.__printed = (window.__printed || 0) + 1; };"


def test_print_link_prints_and_paper_shows_the_article_alone(page):
    page.add_init_script(PRINT_STUB)
    path = url_for("article-photo", "az")
    page.goto(path)
    page.get_by_role("link", name="Çap et").click()
    assert page.evaluate("() => window.__printed") == 1
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))

    page.emulate_media(media="print")
    for selector in HIDDEN_ON_PAPER:
        assert page.locator(selector).count() >= 1, f"{selector} is not on the page"
        for element in page.locator(selector).all():
            expect(element).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".brand__name")).to_be_visible()  # whose paper it is
    expect(page.locator(".article__body")).to_be_visible()
    expect(page.locator(".article__photo img")).to_be_visible()
    # Where the article lives, for whoever reads the paper.
    expect(page.locator(".article__address")).to_be_visible()
    expect(page.locator(".article__address")).to_contain_text(path)

    page.emulate_media(media="screen")
    expect(page.locator(".article__address")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_visible()


def test_print_to_pdf_keeps_the_article_on_few_pages(page, tmp_path):
    page.goto(url_for("article-plain", "en"))
    pdf = page.pdf(path=tmp_path / "article.pdf", format="A4")
    # Navigation and sidebars gone: a short article fits one sheet.
    sheets = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert sheets == 1


NO_SIDEWAYS_SCROLL = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  clientWidth: document.documentElement.clientWidth,
  wide: [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .slice(0, 5).map((el) => el.tagName + "." + el.className),
})"""


@pytest.mark.parametrize("pair", all_pages(), ids=page_id)
def test_phone_and_zoomed_screens_never_scroll_sideways(phone_page, pair):
    """375 px is a phone; 640 px is a 1280 px screen at 200% zoom; 320 px is WCAG's reflow width."""
    page_type, language = pair
    if expected_status(page_type) == 404:
        phone_page.problems.allow("status of 404")
    phone_page.goto(url_for(page_type, language))
    for width in (375, 640, 320):
        phone_page.set_viewport_size({"width": width, "height": 740})
        measured = phone_page.evaluate(NO_SIDEWAYS_SCROLL)
        assert measured["scrollWidth"] <= width, (width, measured)


def test_text_can_be_doubled_without_loss(page):
    """Text at 200% (the reader's own font size) still fits: nothing overflows or clips."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url_for("article-photo", "az"))
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    measured = page.evaluate(NO_SIDEWAYS_SCROLL)
    assert measured["scrollWidth"] <= 1280, measured
    title = page.locator("h1")
    box = title.bounding_box()
    assert box["width"] <= 1280
    assert title.evaluate("h => h.scrollWidth <= h.clientWidth + 1")
