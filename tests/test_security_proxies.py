"""Finding: forwarded headers were believed from any peer. With TRUST_PROXY_HEADERS=1 a
client reaching gunicorn from outside FORWARDED_ALLOW_IPS still had its X-Forwarded-Proto
believed by Django and its X-Forwarded-For by portal.client_ip: each wrong password under a
new forged address was counted apart, and the account never locked.

Now both are believed only when the immediate peer (REMOTE_ADDR) is one of TRUSTED_PROXIES
(portal.proxies), in-process and under a real gunicorn."""

import http.client
import re
import urllib.parse

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import override_settings

from portal.appeals import RATE_LIMIT
from portal.client_ip import client_ip
from portal.proxies import ForwardedHeadersMiddleware, is_trusted_proxy
from tests.factories import appeal_data
from tests.ops_support import Gunicorn, gunicorn_env

pytestmark = pytest.mark.security

PASSWORD = "correct-horse-battery-staple"
LOGIN = "/admin/login/?next=/admin/"
PROXY = "10.0.0.5"
STRANGER = "198.51.100.7"
BEHIND_A_PROXY = override_settings(
    TRUST_PROXY_HEADERS=True,
    TRUSTED_PROXIES=[PROXY, "10.1.0.0/16", "2001:db8::/32"],
    PROXY_COUNT=1,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)


def seen_through_the_middleware(rf, peer, **headers):
    """(is_secure, client address, the forwarded headers left) of a request from `peer`."""
    seen = {}

    def view(request):
        seen["secure"] = request.is_secure()
        seen["client"] = client_ip(request)
        seen["left"] = {key for key in request.headers if key.lower().startswith("x-forwarded")}
        return HttpResponse()

    request = rf.get("/az/", REMOTE_ADDR=peer, **headers)
    ForwardedHeadersMiddleware(view)(request)
    return seen["secure"], seen["client"], seen["left"]


FORGED = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}


@BEHIND_A_PROXY
@pytest.mark.parametrize(
    "peer",
    [PROXY, "10.1.200.3", "::ffff:10.0.0.5", "2001:db8::42"],
)
def test_a_trusted_proxy_is_believed(rf, peer):
    assert is_trusted_proxy(peer)
    secure, client, left = seen_through_the_middleware(rf, peer, **FORGED)
    assert secure
    assert client == "203.0.113.9"
    assert left == {"X-Forwarded-Proto", "X-Forwarded-For"}


@BEHIND_A_PROXY
@pytest.mark.parametrize(
    "peer", [STRANGER, "10.0.0.6", "10.2.0.1", "127.0.0.1", "2001:db9::1", "", "not-an-ip"]
)
def test_any_other_peer_is_not(rf, peer):
    assert not is_trusted_proxy(peer)
    secure, client, left = seen_through_the_middleware(
        rf, peer, HTTP_X_FORWARDED_HOST="evil.example", HTTP_FORWARDED="for=1.2.3.4", **FORGED
    )
    assert not secure
    assert client == peer
    assert left == set()


@override_settings(
    TRUST_PROXY_HEADERS=False,
    TRUSTED_PROXIES=[PROXY],
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_without_trust_proxy_headers_not_even_the_proxy_is_believed(rf):
    assert not is_trusted_proxy(PROXY)
    assert seen_through_the_middleware(rf, PROXY, **FORGED) == (False, PROXY, set())


def test_the_middleware_runs_first(settings):
    assert settings.MIDDLEWARE[0] == "portal.proxies.ForwardedHeadersMiddleware"


# --- through the whole stack, in-process --------------------------------------------------


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True)


def login(client, password, peer, forwarded_for):
    return client.post(
        LOGIN,
        {"username": "editor", "password": password},
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@BEHIND_A_PROXY
def test_forged_addresses_from_a_stranger_still_lock_the_account(client, editor):
    for number in range(4):
        assert login(client, "wrong", STRANGER, f"203.0.113.{number}").status_code == 200
    assert login(client, "wrong", STRANGER, "203.0.113.4").status_code == 429
    assert login(client, PASSWORD, STRANGER, "203.0.113.5").status_code == 429
    assert AccessAttempt.objects.get().ip_address == STRANGER


@BEHIND_A_PROXY
def test_behind_the_proxy_each_reader_is_counted_apart(client, editor):
    for number in range(5):
        assert login(client, "wrong", PROXY, f"203.0.113.{number}").status_code == 200
    assert login(client, PASSWORD, PROXY, "203.0.113.99").status_code == 302
    assert AccessAttempt.objects.count() == 5


@BEHIND_A_PROXY
@override_settings(SECURE_SSL_REDIRECT=True)
@pytest.mark.django_db
def test_a_forged_https_header_does_not_make_a_strangers_request_secure(client):
    forged = client.get("/az/", REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_PROTO="https")
    assert forged.status_code == 301
    assert forged["Location"] == "https://testserver/az/"
    proxied = client.get("/az/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200


@BEHIND_A_PROXY
@pytest.mark.django_db
def test_the_appeal_rate_limit_counts_a_stranger_once_whatever_it_forges(client):
    for number in range(RATE_LIMIT):
        response = client.post(
            "/az/muraciet/",
            appeal_data(),
            REMOTE_ADDR=STRANGER,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        )
        assert response.status_code == 302
    blocked = client.post(
        "/az/muraciet/", appeal_data(), REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR="203.0.113.77"
    )
    assert blocked.status_code == 429


# --- under gunicorn -------------------------------------------------------------------------

# Not this machine: the test client, on 127.0.0.1, is a stranger to the server.
FAR_PROXY = "10.255.255.1"


def call(port, method, path, headers=None, body=None):
    """(status, headers, body) of one request, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def login_over_http(port, password, forwarded_for):
    status, headers, page = call(port, "GET", LOGIN)
    assert status == 200, page[:300]
    cookies = "; ".join(headers.get_all("Set-Cookie") or [])
    cookie = re.search(r"csrftoken=([^;]+)", cookies).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    body = urllib.parse.urlencode(
        {"username": "editor", "password": password, "csrfmiddlewaretoken": token}
    )
    status, _headers, _page = call(
        port,
        "POST",
        LOGIN,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
            "X-Forwarded-For": forwarded_for,
        },
        body=body,
    )
    return status


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_under_gunicorn_forged_addresses_still_lock_the_account(tmp_path):
    get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True)
    env = gunicorn_env(
        TRUST_PROXY_HEADERS="1", TRUSTED_PROXIES=FAR_PROXY, FORWARDED_ALLOW_IPS=FAR_PROXY
    )
    with Gunicorn(env, workers=1, log_path=tmp_path / "gunicorn.log") as server:
        statuses = [
            login_over_http(server.port, "wrong-password", f"203.0.113.{number}")
            for number in range(5)
        ]
        assert statuses == [200, 200, 200, 200, 429], server.log_tail()
        assert login_over_http(server.port, PASSWORD, "203.0.113.50") == 429
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("proxies", "believed"), [(FAR_PROXY, False), ("127.0.0.1", True)])
def test_under_gunicorn_a_forged_https_header_counts_only_from_a_proxy(tmp_path, proxies, believed):
    env = gunicorn_env(
        TRUST_PROXY_HEADERS="1",
        TRUSTED_PROXIES=proxies,
        FORWARDED_ALLOW_IPS=proxies,
        SECURE_SSL_REDIRECT="1",
    )
    with Gunicorn(env, workers=1, log_path=tmp_path / "gunicorn.log") as server:
        plain = call(server.port, "GET", "/az/")
        forged = call(server.port, "GET", "/az/", headers={"X-Forwarded-Proto": "https"})
        secure_url = f"https://127.0.0.1:{server.port}/az/"
    assert plain[0] == 301
    assert plain[1]["Location"] == secure_url
    if believed:
        assert forged[0] == 200
    else:
        assert forged[0] == 301
        assert forged[1]["Location"] == secure_url
