"""The Nu HTML Checker finds no error in the HTML the live server sends for any page type."""

from django.template.loader import render_to_string

from tests.browser.checkers import check_html, record
from tests.browser.site_pages import all_pages, expected_status, page_id, url_for


def test_every_page_type_is_valid_html(page, tmp_path):
    documents = {}
    for pair in all_pages():
        path = url_for(*pair)
        response = page.request.get(path)
        assert response.status == expected_status(pair[0]), path
        documents[page_id(pair)] = response.text()
    # The standalone error pages (no database behind them), rendered as the handlers do.
    for name in ("500", "503"):
        documents[f"error-{name}"] = render_to_string(f"{name}.html")
    errors = check_html(documents, tmp_path)
    for name, messages in errors.items():
        record(name, "html", len(messages))
    found = {name: messages for name, messages in errors.items() if messages}
    assert found == {}, "\n".join(
        f"{name}:\n  " + "\n  ".join(messages) for name, messages in found.items()
    )
