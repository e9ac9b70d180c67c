"""The front of the site, in process: static files carry the pages' security headers and
allow other origins only for fonts; the appeal form refuses an oversized body with 413
before anything reads it; Django's own upload limits stay set."""

import io
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from portal.appeals import MAX_BODY_BYTES
from portal.models import Appeal
from tests.test_appeal import appeal_data
from tests.test_security_headers import csp_directives, observatory_score

pytestmark = [pytest.mark.security, pytest.mark.django_db]

STATIC_FILES = {
    "css": "/static/css/site.css",
    "js": "/static/js/site.js",
    "image": "/static/img/emblem.svg",
    "font": "/static/fonts/noto-sans-latin-wght.woff2",
}
GIGABYTE = 1 << 30


# Static files --------------------------------------------------------------------------


@pytest.fixture
def static_client(settings):
    """A client whose whitenoise serves the project's static files (found where they live:
    the test settings collect none), over HTTPS with the production HSTS settings."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.SECURE_HSTS_SECONDS = 63072000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    return Client()


def get_static(client, path):
    response = client.get(path, secure=True)
    response.close()
    assert response.status_code == 200, path
    assert "X-Request-ID" in response, "not answered through the middleware"
    return response


@pytest.mark.parametrize("kind", sorted(STATIC_FILES))
def test_static_files_carry_the_pages_security_headers(static_client, kind):
    response = get_static(static_client, STATIC_FILES[kind])
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Strict-Transport-Security"].startswith("max-age=63072000")
    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'none'"]
    assert "sandbox" in csp  # nothing in a static file runs if it is opened as a page
    assert "script-src" not in csp
    score, failures = observatory_score(response)
    assert failures == []
    assert score >= 100, score


@pytest.mark.parametrize("kind", sorted(STATIC_FILES))
def test_only_fonts_may_be_used_by_other_origins(static_client, kind):
    response = get_static(static_client, STATIC_FILES[kind])
    if kind == "font":
        assert response["Access-Control-Allow-Origin"] == "*"
    else:
        assert "Access-Control-Allow-Origin" not in response


def test_feeds_allow_no_other_origin(client):
    """Feed readers fetch from their servers: no CORS needed (portal/settings.py)."""
    for language in ("az", "en"):
        with translation.override(language):
            paths = [reverse("news:feed_rss"), reverse("news:feed_atom")]
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            assert "Access-Control-Allow-Origin" not in response, path


def test_missing_static_files_are_pages_with_the_pages_headers(static_client):
    response = static_client.get("/static/css/no-such-file.css", secure=True)
    assert response.status_code == 404
    assert "Access-Control-Allow-Origin" not in response
    assert csp_directives(response["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]


# Request bodies -------------------------------------------------------------------------


class CountingStream:
    """A request body that records how much of it was read."""

    def __init__(self, size):
        self._data = io.BytesIO(b"x" * size)
        self.read_bytes = 0

    def read(self, size=-1):
        chunk = self._data.read(size)
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size=-1):
        line = self._data.readline(size)
        self.read_bytes += len(line)
        return line


def post_stream(client, path, stream, content_type="application/x-www-form-urlencoded", **meta):
    return client.generic(
        "POST", path, b"", **{"wsgi.input": stream, "CONTENT_TYPE": content_type, **meta}
    )


@pytest.mark.parametrize(
    ("path", "language", "heading"),
    [("/az/muraciet/", "az", "Göndərilən məlumat çox böyükdür"), ("/en/appeal/", "en", "Too much")],
)
@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz"],
)
def test_a_declared_gigabyte_is_refused_before_a_byte_is_read(
    path, language, heading, content_type
):
    """The CSRF check reads request.POST before the view: the refusal comes first, so
    a client with a valid token gets no further either."""
    client = Client(enforce_csrf_checks=True)
    assert client.get(path).status_code == 200  # the form sets the CSRF cookie
    body = CountingStream(64 * 1024)
    response = post_stream(client, path, body, content_type, CONTENT_LENGTH=str(GIGABYTE))
    assert response.status_code == 413
    assert body.read_bytes == 0
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert f'<html lang="{language}">' in text
    assert heading in text
    assert text.count("<h1") == 1
    assert f'href="{path}"' in text
    assert not Appeal.objects.exists()


def test_a_chunked_body_over_the_limit_is_read_only_to_the_limit(client):
    body = CountingStream(MAX_BODY_BYTES + 50_000)
    response = post_stream(client, "/az/muraciet/", body, HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 413
    assert body.read_bytes == MAX_BODY_BYTES + 1
    assert "Göndərilən məlumat çox böyükdür" in response.content.decode()


def test_a_small_chunked_body_is_asked_for_its_length(client):
    """Django reads only a body whose length is declared: it would see an empty form."""
    body = CountingStream(2_000)
    response = post_stream(client, "/az/muraciet/", body, HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411
    assert body.read_bytes == 2_000


def form_body(size):
    """An appeal's urlencoded form body of exactly `size` bytes, the message padded."""
    data = appeal_data(message="")
    padding = size - len(urlencode(data))
    return urlencode({**data, "message": "a" * padding}).encode()


def test_a_body_at_the_limit_reaches_the_form_one_byte_more_does_not(client):
    at_limit = client.generic(
        "POST", "/az/muraciet/", form_body(MAX_BODY_BYTES), "application/x-www-form-urlencoded"
    )
    assert at_limit.status_code == 400  # the form's own answer: the message is too long
    assert "message" in at_limit.context["form"].errors
    over = client.generic(
        "POST", "/az/muraciet/", form_body(MAX_BODY_BYTES + 1), "application/x-www-form-urlencoded"
    )
    assert over.status_code == 413


def test_the_longest_appeal_fits_the_limit(client):
    """5 000 four-byte characters, percent-encoded, and every other field at its longest."""
    longest = appeal_data(
        name="ə" * 200,
        subject="\U0001d49c" * 200,  # four bytes of UTF-8
        phone="9" * 40,
        email=("a" * 64) + "@" + ("b" * 60 + ".") * 3 + "az",
        message="😀" * 5000,
    )
    body = urlencode(longest).encode()
    assert len(body) < MAX_BODY_BYTES
    response = client.generic("POST", "/az/muraciet/", body, "application/x-www-form-urlencoded")
    assert response.status_code != 413


def test_a_normal_appeal_still_works(client):
    response = client.post("/az/muraciet/", appeal_data())
    assert response.status_code == 302
    assert Appeal.objects.count() == 1
    assert client.get("/az/muraciet/").status_code == 200


@pytest.mark.django_db
def test_a_big_body_to_the_admin_login_without_a_session_is_refused_unread():
    client = Client(enforce_csrf_checks=True)
    assert client.get("/admin/login/").status_code == 200  # sets the CSRF cookie only
    limit = django_settings.ANONYMOUS_MAX_REQUEST_BODY
    body = CountingStream(64 * 1024)
    response = post_stream(
        client,
        "/admin/login/",
        body,
        "multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(limit + 1),
    )
    assert response.status_code == 413
    assert body.read_bytes == 0


@pytest.mark.django_db
def test_a_signed_in_editor_keeps_djangos_own_limits(admin_client):
    """Photos of up to 10 MB come with a session: the anonymous limit is not theirs."""
    limit = django_settings.ANONYMOUS_MAX_REQUEST_BODY
    body = CountingStream(limit + 1)
    response = post_stream(
        admin_client, "/admin/news/tag/add/", body, CONTENT_LENGTH=str(limit + 1)
    )
    assert response.status_code != 413


def test_the_body_limit_is_checked_before_csrf_reads_the_form():
    middleware = django_settings.MIDDLEWARE
    limit = middleware.index("portal.middleware.RequestBodyLimitMiddleware")
    assert limit < middleware.index("django.middleware.csrf.CsrfViewMiddleware")


def test_django_keeps_its_own_upload_limits():
    fields = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert fields is not None
    assert fields <= 16 * 1024 * 1024
    assert fields >= django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    assert fields > MAX_BODY_BYTES
