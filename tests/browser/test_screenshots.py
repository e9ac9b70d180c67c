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
