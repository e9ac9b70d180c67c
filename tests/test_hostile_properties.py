"""Property tests: whatever a client puts in URL parameters, paths or the search query,
the answer is a page, a redirect or a 4xx, and the database does not change."""

from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils.translation import override
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ArticleFactory
from tests.url_inventory import database_fingerprint

pytestmark = pytest.mark.django_db

# Bounded so the suite stays fast; the hostile corpus covers the known nasty cases.
BOUNDED = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Any Unicode text a URL can carry (lone surrogates cannot be encoded as UTF-8).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
NUMBERISH = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    TEXT,
)
PARAMETERS = st.dictionaries(
    st.sampled_from(["page", "only", "year", "month", "category", "sort", "q", "next"]),
    NUMBERISH,
    max_size=5,
)


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.fixture
def article():
    return ArticleFactory()


def _url(name, language="az", **kwargs):
    with override(language):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            return None


def _listing_urls(article):
    names = [
        ("news:home", {}),
        ("news:all", {}),
        ("news:category", {"category_slug": article.category.slug_az}),
        ("news:search", {}),
        ("news:archive", {}),
    ]
    return [url for name, kwargs in names if (url := _url(name, **kwargs))]


@BOUNDED
@given(parameters=PARAMETERS)
def test_any_query_parameters_get_an_answer(client, article, parameters):
    before = database_fingerprint()
    for url in _listing_urls(article):
        response = client.get(f"{url}?{urlencode(parameters)}")
        assert response.status_code < 500, (url, parameters)
    assert database_fingerprint() == before


@BOUNDED
@given(query=TEXT)
def test_any_search_query_gets_a_page(client, article, query):
    url = _url("news:search") or pytest.skip("no search page yet")
    for language_url in [url, _url("news:search", "en")]:
        response = client.get(language_url, {"q": query})
        assert response.status_code < 500, query


@BOUNDED
@given(payload=st.sampled_from(["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']))
def test_search_never_echoes_markup_raw(client, article, payload):
    url = _url("news:search") or pytest.skip("no search page yet")
    response = client.get(url, {"q": payload})
    assert response.status_code < 500
    assert payload not in response.content.decode()


@BOUNDED
@given(segment=TEXT.filter(lambda text: text.strip("/")))
def test_any_slug_or_path_segment_gets_an_answer(client, article, segment):
    encoded = quote(segment, safe="")
    for path in [
        f"/az/news/{article.pk}/{encoded}/",
        f"/en/{encoded}/",
        f"/az/{encoded}/rss/",
        f"/{encoded}/",
        f"/media/{encoded}",
    ]:
        assert client.get(path).status_code < 500, path


@BOUNDED
@given(raw=st.binary(min_size=1, max_size=200))
def test_any_bytes_in_the_path_get_an_answer(client, article, raw):
    encoded = "".join(f"%{byte:02X}" for byte in raw)
    for path in [f"/az/{encoded}/", f"/en/news/{encoded}/", f"/az/news/?page={encoded}"]:
        assert client.get(path).status_code < 500, path


@BOUNDED
@given(number=st.integers(min_value=-(10**40), max_value=10**40))
def test_any_number_in_an_id_or_date_gets_an_answer(client, article, number):
    for path in [
        f"/az/news/{number}/",
        f"/az/news/{number}/x/",
        f"/en/archive/{number}/",
        f"/en/archive/{number}/{abs(number) % 100:02d}/",
        f"/az/news/?page={number}",
    ]:
        assert client.get(path).status_code < 500, path
