"""A corpus of hostile requests against every public URL, in both languages.

Every answer is a page, a redirect or a 4xx, never a 5xx, and the database is exactly
as it was (row counts and content checksums of every table).
"""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import resolve
from django.utils.translation import override

from news.models import Tag
from portal.middleware import declared_methods
from portal.models import StaticPage
from tests.factories import ArticleFactory
from tests.url_inventory import database_fingerprint, public_urls

pytestmark = pytest.mark.django_db

HOSTILE_QUERIES = [
    "page=-1",
    "page=0",
    "page=99999999999999999999999999",
    "page=1e309",
    "page=NaN",
    "page[]=1&page=2",
    "year=-2024&month=13",
    "year=99999999999999999999&month=99",
    "category=-5&sort=nonsense",
    "q=%27%20OR%201%3D1--",
    "q=%27%3B%20DROP%20TABLE%20news_article%3B--",
    "q=%22%29%29%20UNION%20SELECT%20password%20FROM%20auth_user--",
    "q=%7B%7B%20settings.SECRET_KEY%20%7D%7D",
    "q=%7B%25%20debug%20%25%7D",
    "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "q=%00%00",
    "q=%ff%fe%fd",
    "q=%c0%af%c0%ae",
    "q=" + "a" * 20000,
    "q=%25%5F%5C",
    "q=" + "%E2%80%AE" * 50,
    "only=../../etc/passwd",
    "next=//evil.example/&next=https://evil.example",
    "%ff=%ff",
    "a=" + "&a=".join(["1"] * 500),
]
HOSTILE_PATH_SUFFIXES = [
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd/",
    "%2e%2e/%2e%2e/settings.py",
    "%00/",
    "%ff%fe/",
    "%c0%ae%c0%ae/",
    "'%20OR%201=1--/",
    "%7B%7B7*7%7D%7D/",
    "99999999999999999999999999999/",
    "-1/",
    "x" * 5000 + "/",
    "%E2%80%AE%E2%80%AE/",
    "index.php",
    ".env",
    "wp-login.php",
]
OTHER_PATHS = [
    "/xx/",
    "/xx/news/",
    "/az-az/news/",
    "/EN/",
    "/en-us/",
    "/zz-Hant/",
    "/az/news/99999999999999999999999999/",
    "/az/news/99999999999999999999999999/x/",
    "/en/news/0/x/",
    "/az/" + "%ff" * 300 + "/",
    "/" + "a/" * 2000,
    "/media/../../etc/passwd",
    "/media/%2e%2e/%2e%2e/etc/passwd",
    "/media/articles/../../../portal/settings.py",
    "/media/.hidden",
    "/static/../portal/settings.py",
    "/language/en/?next=/%0d%0aSet-Cookie:x=1",
    "/language/en/?next=%2F%2Fevil.example",
    "/language/xx/",
    "/robots.txt/../admin/",
]
BOGUS_HOSTS = [
    "evil.example",
    "testserver.evil.example",
    "[::1",
    "a b",
    "testserver@evil.example",
    "127.0.0.1:80:80",
    "x" * 300,
]
UNSAFE_METHODS = ["post", "put", "patch", "delete"]


@pytest.fixture
def client():
    # Report a server error as a status with its URL, not as the first traceback.
    return Client(raise_request_exception=False)


@pytest.fixture
def world():
    article = ArticleFactory()
    tag = Tag.objects.create(name_az="Etiket", name_en="Tag")
    article.tags.add(tag)
    page = StaticPage.objects.create(title_az="Haqqımızda", title_en="About us", body_az="<p>x</p>")
    # An account exists, so a login or write that slipped through would show in the checksum.
    get_user_model().objects.create_user("editor", password="a-long-password-12345")
    return {"article": article, "category": article.category, "tag": tag, "page": page}


@pytest.fixture
def urls(client, world):
    found = public_urls(client, world)
    names = {name for _lang, name, _url in found}
    # The crawl really comes from the resolver: the core pages are all in it.
    assert {"news:home", "news:all", "news:article", "news:category", "portal:page"} <= names
    return found


def _declared(language, url):
    """The methods the view behind `url` declares (resolved in the URL's language)."""
    with override(language):
        return declared_methods(resolve(urlsplit(url).path).func) or set()


def _csrf_exempt(language, url):
    with override(language):
        return getattr(resolve(urlsplit(url).path).func, "csrf_exempt", False)


def _assert_answered(response, what):
    assert response.status_code < 500, f"{what} answered {response.status_code}"


def test_every_public_url_survives_hostile_query_strings(client, urls):
    before = database_fingerprint()
    for _language, _name, url in urls:
        for query in HOSTILE_QUERIES:
            target = f"{url}?{query}"
            _assert_answered(client.get(target), target)
    assert database_fingerprint() == before


def test_every_public_url_survives_hostile_path_segments(client, urls):
    before = database_fingerprint()
    for _language, _name, url in urls:
        base = url if url.endswith("/") else url + "/"
        for suffix in HOSTILE_PATH_SUFFIXES:
            _assert_answered(client.get(base + suffix), base + suffix)
    for path in OTHER_PATHS:
        response = client.get(path)
        _assert_answered(response, path)
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    "path", ["/az/news/99999999999999999999999999/", "/en/news/-1/x/", "/az/" + "x" * 5000 + "/"]
)
def test_huge_negative_and_overlong_numbers_are_not_found(client, world, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/xx/", "/xx/news/", "/zz-Hant/", "/fr/news/", "/en-us/news/"])
def test_unknown_language_prefixes_are_not_found(client, path):
    # "/xx/" may first be sent to "/az/xx/" (it could be a category); either way: not found.
    response = client.get(path, follow=True)
    assert response.status_code == 404
    assert all(url.startswith(("/az/", "/en/")) for url, _status in response.redirect_chain)


def test_traversal_never_leaves_the_media_folder(client):
    for path in [p for p in OTHER_PATHS if p.startswith(("/media", "/static"))]:
        response = client.get(path)
        assert response.status_code in {400, 404}, path
        body = b"".join(getattr(response, "streaming_content", [response.content]))
        assert b"SECRET_KEY" not in body
        assert b"root:" not in body


@pytest.mark.parametrize("host", BOGUS_HOSTS)
def test_bogus_host_headers_are_refused(client, world, host):
    for path in ["/az/", "/en/news/", "/readyz", "/robots.txt"]:
        assert client.get(path, HTTP_HOST=host).status_code == 400, (host, path)


def test_pages_answer_405_to_other_methods_even_without_a_csrf_token(world):
    # A real client: CSRF is enforced, so a 403 would show here if the order were wrong.
    strict = Client(enforce_csrf_checks=True, raise_request_exception=False)
    found = public_urls(strict, world)
    before = database_fingerprint()
    checked = 0
    for language, name, url in found:
        if name in {"livez", "readyz"}:
            continue
        declared = _declared(language, url)
        for method in UNSAFE_METHODS:
            response = getattr(strict, method)(url)
            if method.upper() in declared:
                # A form: the method is allowed, the missing CSRF token is not; except where
                # a signed link authorises the post (one-click unsubscribe, RFC 8058), and
                # the sample link is refused as forged.
                expected = 400 if _csrf_exempt(language, url) else 403
                assert response.status_code == expected, f"{method.upper()} {url} ({name})"
                continue
            assert response.status_code == 405, f"{method.upper()} {url} ({name})"
            assert "GET" in response["Allow"]
            checked += 1
        assert strict.head(url).status_code < 500
    assert checked >= 40
    assert database_fingerprint() == before


HOSTILE_FIELD_VALUES = [
    "' OR 1=1--",
    "{{ settings.SECRET_KEY }}{% debug %}",
    "<script>alert(1)</script>",
    "\x00nul",
    "a" * 100_000,
    "-99999999999999999999",
    "../../etc/passwd",
    "\u202eevil",
]


def test_forms_survive_hostile_field_values(client, world):
    """Every page with a form that posts back to itself, fed garbage in every field."""
    forms = [
        (url, name)
        for language, name, url in public_urls(client, world)
        if "POST" in _declared(language, url)
    ]
    assert forms, "the appeal form should be among the crawled pages"
    before = database_fingerprint()
    for url, _name in forms:
        page = client.get(url)
        fields = set(re.findall(r'name="([^"]+)"', page.content.decode()))
        fields.discard("csrfmiddlewaretoken")
        for value in HOSTILE_FIELD_VALUES:
            response = client.post(url, dict.fromkeys(fields, value))
            _assert_answered(response, f"POST {url} with {value[:20]!r}")
            assert response.status_code != 302 or "\x00" not in value
    # Garbage never passes validation, so nothing was stored.
    assert database_fingerprint() == before


def test_answers_are_never_5xx_for_odd_methods_on_health_checks(client):
    for method in ["post", "put", "delete", "options", "trace"]:
        for path in ["/livez", "/readyz"]:
            _assert_answered(client.generic(method.upper(), path), f"{method} {path}")
