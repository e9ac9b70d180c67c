"""Screenshots of every page type, desktop and phone, in both languages, into screenshots/.

The folder is git-ignored; docs/screenshots/ holds the two shown in the README
(copied by hand from here after `make screenshots`).
"""

import pytest

from tests.browser.checkers import ROOT
from tests.browser.site_pages import all_pages, expected_status, page_id, url_for

SCREENSHOTS = ROOT / "screenshots"


@pytest.mark.parametrize("pair", all_pages(), ids=page_id)
def test_screenshot_desktop_and_phone(page, phone_page, pair):
    page_type, language = pair
    path = url_for(page_type, language)
    SCREENSHOTS.mkdir(exist_ok=True)
    for device, browser_page in [("desktop", page), ("phone", phone_page)]:
        if expected_status(page_type) == 404:
            browser_page.problems.allow("status of 404")
        response = browser_page.goto(path)
        assert response.status == expected_status(page_type)
        browser_page.evaluate("() => document.fonts.ready")
        target = SCREENSHOTS / f"{page_type}-{language}-{device}.png"
        browser_page.screenshot(path=target, full_page=True)
        assert target.stat().st_size > 10_000


def test_readme_screenshots(open_browser_page):
    """The two the README shows: the first screen, not the whole page (copy them to
    docs/screenshots/ by hand when the look changes)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    desktop = open_browser_page(viewport={"width": 1280, "height": 860})
    desktop.goto(url_for("home", "az"))
    desktop.evaluate("() => document.fonts.ready")
    desktop.screenshot(path=SCREENSHOTS / "readme-home-az-desktop.png")
    phone = open_browser_page(
        viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True
    )
    phone.goto(url_for("article-photo", "en"))
    phone.evaluate("() => document.fonts.ready")
    phone.screenshot(
        path=SCREENSHOTS / "readme-article-en-phone.png",
        full_page=True,
        clip={"x": 0, "y": 0, "width": 375, "height": 1400},
    )
