"""Response headers on every public URL, scored the way the MDN HTTP Observatory scores
them, and uploaded media served inert."""

import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client, override_settings

from news.models import Tag
from portal.models import StaticPage
from tests.factories import ArticleFactory
from tests.url_inventory import public_urls

pytestmark = pytest.mark.django_db

TEXT_TYPES = ("text/", "application/json", "application/xml", "application/rss", "application/atom")


def csp_directives(header):
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.fixture
def world():
    article = ArticleFactory()
    tag = Tag.objects.create(name_az="Etiket", name_en="Tag")
    article.tags.add(tag)
    page = StaticPage.objects.create(title_az="Haqqımızda", title_en="About us", body_az="<p>x</p>")
    return {"article": article, "category": article.category, "tag": tag, "page": page}


@pytest.fixture
def answers(world):
    client = Client(raise_request_exception=False)
    urls = [url for _language, _name, url in public_urls(client, world)]
    urls += ["/az/no-such-page/", "/media/no-such-file.jpg"]
    return [(url, client.get(url)) for url in sorted(set(urls))]


def observatory_score(response, is_https=True):  # noqa: PLR0912 - one branch per rule
    """The MDN HTTP Observatory's scoring rules for the headers we control (its modifiers
    from the published scoring table; the baseline is 100, A+ is 100 or more)."""
    score, failures = 100, []
    csp = csp_directives(response.get("Content-Security-Policy", ""))
    if not csp:
        score -= 25
        failures.append("csp-not-implemented")
    else:
        scripts = csp.get("script-src", csp.get("default-src", []))
        unsafe = {"'unsafe-inline'", "'unsafe-eval'", "data:", "http:", "https:", "*"}
        if unsafe & set(scripts) or unsafe & set(csp.get("object-src", ["'none'"])):
            score -= 20
            failures.append("csp-implemented-with-unsafe-inline")
        elif "'unsafe-inline'" in csp.get("style-src", []):
            failures.append("csp-implemented-with-unsafe-inline-in-style-src-only")
        elif csp.get("default-src") == ["'none'"]:
            score += 10  # csp-implemented-with-no-unsafe-default-src-none
    if response.get("X-Content-Type-Options") != "nosniff":
        score -= 5
        failures.append("x-content-type-options-not-implemented")
    frame_ancestors = csp.get("frame-ancestors")
    if frame_ancestors in (["'none'"], ["'self'"]):
        score += 5  # x-frame-options-implemented-via-csp
    elif response.get("X-Frame-Options") not in {"DENY", "SAMEORIGIN"}:
        score -= 20
        failures.append("x-frame-options-not-implemented")
    referrer = response.get("Referrer-Policy", "")
    if referrer in {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }:
        score += 5  # referrer-policy-private
    else:
        failures.append("referrer-policy-not-implemented")
    if is_https:
        hsts = response.get("Strict-Transport-Security", "")
        max_age = int(re.search(r"max-age=(\d+)", hsts).group(1)) if "max-age" in hsts else 0
        if max_age < 15768000:
            score -= 20
            failures.append("hsts-not-implemented-or-short")
    for morsel in response.cookies.values():
        if is_https and not morsel["secure"]:
            score -= 20
            failures.append(f"cookies-without-secure-flag:{morsel.key}")
        if not morsel["samesite"]:
            failures.append(f"cookies-without-samesite:{morsel.key}")
    corp = response.get("Cross-Origin-Resource-Policy")
    if corp not in {"same-origin", "same-site", "cross-origin"}:
        failures.append("corp-not-implemented")
    return score, failures


@override_settings(
    SECURE_HSTS_SECONDS=63072000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    LANGUAGE_COOKIE_SECURE=True,
)
@pytest.mark.parametrize("path", ["/az/", "/en/news/", "/admin/login/", "/readyz"])
def test_observatory_grade_is_a_plus_over_https(client, world, path):
    response = client.get(path, secure=True)
    assert response.status_code == 200
    score, failures = observatory_score(response)
    assert failures == []
    assert score >= 100, score
    hsts = response["Strict-Transport-Security"]
    assert "includeSubDomains" in hsts
    assert "preload" in hsts


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https_except_health_checks(client):
    response = client.get("/az/news/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/az/news/"
    assert client.get("/livez").status_code == 200


def test_every_public_answer_carries_the_security_headers(answers):
    assert len(answers) >= 20
    for url, response in answers:
        assert response.status_code < 500, url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        assert response["Cross-Origin-Resource-Policy"] == "same-origin", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        assert "camera=()" in response["Permissions-Policy"], url
        csp = csp_directives(response["Content-Security-Policy"])
        assert csp["default-src"] == ["'none'"], url
        assert csp["frame-ancestors"] == ["'none'"], url
        assert csp["object-src"] == ["'none'"], url
        assert csp["base-uri"] == ["'none'"], url
        assert csp["form-action"] == ["'self'"], url
        assert "'unsafe-inline'" not in csp.get("script-src", []), url
        assert "'unsafe-eval'" not in csp.get("script-src", []), url


def test_every_text_answer_names_its_charset(answers):
    for url, response in answers:
        content_type = response.get("Content-Type", "")
        if content_type.startswith(TEXT_TYPES) or content_type.split(";")[0].endswith("+xml"):
            assert "charset=utf-8" in content_type.lower(), (url, content_type)


def test_pages_run_only_our_scripts(answers):
    """No inline script without the request's nonce, no inline styles: the CSP would block
    them and the page would break in a browser."""
    for url, response in answers:
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        nonce_match = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        soup = BeautifulSoup(response.content, "html.parser")
        for script in soup.find_all("script"):
            if script.get("src"):
                assert script["src"].startswith("/static/"), (url, script["src"])
            elif script.get("type") not in {"application/json", "application/ld+json"}:
                assert nonce_match, (url, "inline script but no nonce in the CSP")
                assert script.get("nonce") == nonce_match.group(1), (url, str(script)[:80])
        assert not soup.find_all("style"), url
        styled = [tag.name for tag in soup.find_all(style=True)]
        assert not styled, (url, styled)
        for link in soup.find_all("link", rel="stylesheet"):
            assert link["href"].startswith("/static/"), (url, link["href"])


# Uploaded media ------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    (root / "articles").mkdir(parents=True)
    (root / "articles" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (root / "documents").mkdir()
    (root / "documents" / "report.pdf").write_bytes(b"%PDF-1.4 a report")
    (root / "documents" / "evil.html").write_text("<script>alert(document.cookie)</script>")
    (root / "documents" / "vector.svg").write_text('<svg onload="alert(1)"/>')
    (root / ".secret").write_text("hidden")
    (tmp_path / "outside.txt").write_text("outside the media folder")
    (root / "link.txt").symlink_to(tmp_path / "outside.txt")
    settings.MEDIA_ROOT = root
    return root


def _body(response):
    return b"".join(response.streaming_content)


def test_images_are_served_inline_and_inert(client, media):
    response = client.get("/media/articles/photo.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; sandbox"
    assert response["Content-Disposition"].startswith("inline")
    assert _body(response).startswith(b"\xff\xd8")


@pytest.mark.parametrize(
    "name", ["documents/report.pdf", "documents/evil.html", "documents/vector.svg"]
)
def test_documents_and_anything_else_are_downloads(client, media, name):
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_pdfs_keep_their_type(client, media):
    response = client.get("/media/documents/report.pdf")
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    "path",
    [
        "/media/.secret",
        "/media/link.txt",
        "/media/articles/",
        "/media/articles",
        "/media/../outside.txt",
        "/media/articles/..%2f..%2foutside.txt",
        "/media/articles/%2e%2e/%2e%2e/outside.txt",
        "/media/articles\\..\\..\\outside.txt",
        "/media/%00",
        "/media//etc/passwd",
    ],
)
def test_nothing_outside_plain_media_files_is_served(client, media, path):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code in {400, 404}, path


def test_media_answers_conditional_requests_and_refuses_writes(client, media):
    first = client.get("/media/documents/report.pdf")
    again = client.get("/media/documents/report.pdf", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304
    assert client.post("/media/documents/report.pdf").status_code == 405
    assert client.head("/media/documents/report.pdf").status_code == 200
