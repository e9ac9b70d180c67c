"""WCAG 2.2 AA in the browser: axe-core finds nothing on any page type, in either language."""

import pytest
from django.template.loader import render_to_string

from tests.browser.checkers import describe_axe, record, run_axe
from tests.browser.site_pages import all_pages, expected_status, page_id, url_for


@pytest.mark.parametrize("pair", all_pages(), ids=page_id)
def test_axe_finds_no_wcag_violation(open_browser_page, pair):
    page_type, language = pair
    path = url_for(page_type, language)
    # axe is a script we inject: this context alone lets it past our CSP.
    page = open_browser_page(bypass_csp=True)
    if expected_status(page_type) == 404:
        page.problems.allow("status of 404")
    response = page.goto(path)
    assert response.status == expected_status(page_type)
    violations = run_axe(page)
    record(page_id(pair), "axe", len(violations))
    assert violations == [], f"{path}\n{describe_axe(violations)}"


@pytest.mark.parametrize("template", ["500.html", "503.html"])
def test_axe_finds_no_wcag_violation_on_the_standalone_error_pages(open_browser_page, template):
    """The 500 and 503 pages are rendered without the database; served here as they are."""
    html = render_to_string(template)
    page = open_browser_page(bypass_csp=True)
    page.route(
        "**/error-page",
        lambda route: route.fulfill(status=500, body=html, content_type="text/html; charset=utf-8"),
    )
    page.problems.allow("status of 500")
    page.goto("/error-page")
    violations = run_axe(page)
    record(f"error-{template[:3]}", "axe", len(violations))
    assert violations == [], describe_axe(violations)
