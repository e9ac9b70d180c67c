"""The admin under the site's Content-Security-Policy, in a real browser: the sign-in,
the lists, the article form with its rich-text editor and language tabs, the translators'
board and the access-attempt list raise no CSP violation, no console error, and an
article saved through the form (CSRF token from the page, HttpOnly cookie) is stored.

The harness (tests/browser/conftest.py) fails the test on any violation it sees."""

import pytest
from django.contrib.auth import get_user_model

from news.models import Article, Category

PASSWORD = "browser-check-password-2026"


@pytest.fixture(scope="module")
def chief(demo_site, django_db_blocker):
    with django_db_blocker.unblock():
        user = get_user_model().objects.create_superuser(
            "chief-browser", "chief@example.gov.az", PASSWORD
        )
    return user


@pytest.fixture
def signed_in(page, chief):
    # The admin names no icon, so the browser asks for /favicon.ico: a 404, not a CSP matter.
    page.problems.allow(r"favicon\.ico")
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", chief.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return page


def _article_pk(django_db_blocker):
    with django_db_blocker.unblock():
        return Article.objects.published().values_list("pk", flat=True).first()


def test_admin_pages_raise_no_csp_violation(signed_in, django_db_blocker):
    page = signed_in
    pk = _article_pk(django_db_blocker)
    for path in [
        "/admin/",
        "/admin/news/article/",
        "/admin/news/article/add/",
        f"/admin/news/article/{pk}/change/",
        "/admin/news/category/add/",
        "/admin/news/tag/",
        "/admin/portal/staticpage/add/",
        "/admin/axes/accessattempt/",
        "/admin/translations/",
        f"/admin/news/article/{pk}/history/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")


def test_editor_and_language_tabs_work_and_the_form_saves(signed_in, django_db_blocker):
    page = signed_in
    with django_db_blocker.unblock():
        category = Category.objects.first()
    # modeltranslation's tabs (jQuery UI) are built on the section form: one per language.
    page.goto("/admin/news/category/add/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".ui-tabs-nav a").count() >= 2
    # The article form has one language switch instead (static/js/admin-newsroom-languages.js).
    page.goto("/admin/news/article/add/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".newsroom-languages button").count() == 3
    # The rich-text editor is running (ProseMirror's editable area exists).
    editors = page.locator(".ProseMirror >> visible=true")
    assert editors.count() >= 1
    page.fill("#id_title_az", "Brauzerdən yoxlama")
    editors.first.click()
    page.keyboard.type("Redaktorda yazılmış mətn.")
    page.select_option("#id_category", str(category.pk))
    page.click("input[name=_save]")
    page.wait_for_load_state("networkidle")
    assert "/admin/news/article/" in page.url
    assert "/add/" not in page.url, page.content()[:1500]
    with django_db_blocker.unblock():
        saved = Article.objects.get(title_az="Brauzerdən yoxlama")
        assert "Redaktorda yazılmış mətn." in saved.body_az
        saved.delete()
