"""404 and 500 pages: both languages, the site's design, no trace of internals."""

import pytest
from django.urls import path

from portal.urls import urlpatterns as site_urlpatterns


class SecretFailureError(Exception):
    pass


def explode(request):
    raise SecretFailureError("password=hunter2 in /srv/portal/secret_module.py line 42")


# This module doubles as the URL configuration for the 500 tests.
urlpatterns = [path("explode/", explode), *site_urlpatterns]
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

INTERNALS = [
    "Traceback",
    "SecretFailureError",
    "hunter2",
    "secret_module",
    "/srv/",
    'File "',
    "DEBUG",
]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "language", "heading"),
    [
        ("/az/no-such-page/deeper/", "az", "Səhifə tapılmadı"),
        ("/en/no-such-page/deeper/", "en", "Page not found"),
        ("/az/news/999999/x/", "az", "Səhifə tapılmadı"),
        ("/en/archive/2024/13/", "en", "Page not found"),
    ],
)
def test_404_is_in_the_site_design_and_the_pages_language(client, path, language, heading):
    response = client.get(path)
    assert response.status_code == 404
    text = response.content.decode()
    assert f'<html lang="{language}">' in text
    assert heading in text
    assert text.count("<h1") == 1
    assert 'class="site-header"' in text
    assert 'href="/static/css/site.css"' in text
    for trace in INTERNALS:
        assert trace not in text


@pytest.fixture
def failing_site(settings, client):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client.raise_request_exception = False
    return client


def test_a_real_500_shows_the_bilingual_error_page_without_internals(failing_site):
    response = failing_site.get("/explode/")
    assert response.status_code == 500
    text = response.content.decode()
    assert '<html lang="az">' in text
    assert "Xəta baş verdi" in text
    assert '<section lang="en">' in text
    assert "Something went wrong" in text
    assert 'href="/static/css/site.css"' in text
    assert text.count("<h1") == 1
    for trace in INTERNALS:
        assert trace not in text


def test_500_page_renders_without_the_database(failing_site, django_assert_num_queries):
    # The error page must not depend on what may have failed.
    with django_assert_num_queries(0):
        response = failing_site.get("/explode/")
    assert response.status_code == 500
