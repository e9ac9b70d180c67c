"""Accounts: admin login throttled per user and address, the proxy's address believed only
when configured, strong passwords, no default accounts, a new session on login, and the
admin working with __Host- cookies and an HttpOnly CSRF cookie."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client, override_settings

from portal.client_ip import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True)


def attempt(client, password, username="editor", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.1", **headers
    )


def fail_five_times(client, **headers):
    for _ in range(5):
        assert attempt(client, "wrong-password", **headers).status_code in {200, 429}


def test_five_failures_lock_the_user_from_that_address(client, editor):
    for _ in range(4):
        assert attempt(client, "wrong-password").status_code == 200
    response = attempt(client, "wrong-password")
    assert response.status_code == 429
    # Locked: even the right password is refused now.
    response = attempt(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_says_so_in_both_languages(client, editor):
    fail_five_times(client)
    response = attempt(client, PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "Sign-in is locked" in text
    assert "Giriş bağlanıb" in text
    assert "5 dəfə uğursuz giriş" in text
    assert "Try again in an hour" in text
    assert 'lang="en"' in text
    assert "<h1>" in text
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_lockout_is_per_user_and_address(client, editor):
    get_user_model().objects.create_user("other", password=PASSWORD, is_staff=True)
    fail_five_times(client)
    # The same user from another address, and another user from this one, still sign in.
    response = client.post(
        LOGIN, {"username": "editor", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert response.status_code == 302
    other = Client()
    assert attempt(other, PASSWORD, username="other").status_code == 302


def test_staff_unlock_with_the_management_command(client, editor):
    fail_five_times(client)
    assert attempt(client, PASSWORD).status_code == 429
    call_command("axes_reset_username", "editor")
    assert attempt(client, PASSWORD).status_code == 302


def test_staff_unlock_in_the_admin(client, editor):
    fail_five_times(client)
    assert admin.site.is_registered(AccessAttempt)
    chief = get_user_model().objects.create_superuser("chief", "c@example.gov.az", PASSWORD)
    staff = Client()
    staff.force_login(chief)
    attempts = AccessAttempt.objects.filter(username="editor")
    assert attempts.count() == 1
    assert staff.get("/admin/axes/accessattempt/").status_code == 200
    response = staff.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempts.get().pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not attempts.exists()
    assert attempt(client, PASSWORD).status_code == 302


@override_settings(TRUST_PROXY_HEADERS=False)
def test_forwarded_for_is_ignored_without_a_trusted_proxy(client, editor):
    # Rotating X-Forwarded-For does not escape the lock: the socket address counts.
    for number in range(5):
        attempt(client, "wrong-password", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    response = attempt(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "10.0.0.1"


@override_settings(TRUST_PROXY_HEADERS=True, TRUSTED_PROXIES=["10.0.0.1"], PROXY_COUNT=1)
def test_forwarded_for_names_the_client_behind_a_trusted_proxy(client, editor):
    fail_five_times(client, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
    assert attempt(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    # Another reader behind the same proxy is not locked out with them.
    assert attempt(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302


@pytest.mark.parametrize(
    ("trust", "forwarded", "expected"),
    [
        (False, "203.0.113.5", "10.0.0.1"),
        (True, "203.0.113.5", "203.0.113.5"),
        # A client-supplied first entry is not believed: our proxy appended the last one.
        (True, "1.2.3.4, 203.0.113.5", "203.0.113.5"),
        (True, "not-an-address", "10.0.0.1"),
        (True, "", "10.0.0.1"),
        (True, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip(rf, settings, trust, forwarded, expected):
    settings.TRUST_PROXY_HEADERS = trust
    # The request comes from our proxy; other peers: tests/test_security_proxies.py.
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    settings.PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.parametrize(
    "password",
    ["short-pw1", "Tr0ub4dor&3", "1q2w3e4r5t6y", "administrator", "123456789012345"],
)
def test_weak_passwords_are_refused(editor, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=editor)


def test_a_long_uncommon_password_is_accepted(editor):
    validate_password("Qaçqın-köçkün-2026-xəbər", user=editor)


def test_no_account_exists_after_migrations_and_demo_content():
    assert get_user_model().objects.count() == 0
    call_command("load_demo", verbosity=0)
    assert get_user_model().objects.count() == 0


def test_no_fixture_ships_a_user():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for fixture in root.glob("*/fixtures/*"):
        assert "auth.user" not in fixture.read_text(errors="ignore"), fixture


def test_login_starts_a_new_session(client, editor, settings):
    session = client.session
    session["before_login"] = True
    session.save()
    old_key = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = old_key
    response = attempt(client, PASSWORD)
    assert response.status_code == 302
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()


@override_settings(
    SESSION_COOKIE_NAME="__Host-sessionid",
    CSRF_COOKIE_NAME="__Host-csrftoken",
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    CSRF_COOKIE_HTTPONLY=True,
)
def test_admin_forms_work_with_host_prefixed_httponly_cookies(editor):
    chief = get_user_model().objects.create_superuser("chief", "c@example.gov.az", PASSWORD)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(LOGIN, secure=True)
    cookie = browser.cookies["__Host-csrftoken"]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["path"] == "/"
    assert not cookie["domain"]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    response = browser.post(
        LOGIN,
        {"username": chief.username, "password": PASSWORD, "csrfmiddlewaretoken": token.decode()},
        secure=True,
        HTTP_REFERER="https://testserver/admin/login/",
    )
    assert response.status_code == 302
    session = browser.cookies["__Host-sessionid"]
    assert session["secure"]
    assert session["httponly"]
    # A form in the admin posts with the token from the page, not from the cookie.
    page = browser.get("/admin/news/tag/add/", secure=True)
    assert page.status_code == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    response = browser.post(
        "/admin/news/tag/add/",
        {
            "name_az": "Etiket",
            "name_en": "Tag",
            "kind": "topic",
            "source_language": "az",
            "csrfmiddlewaretoken": token.decode(),
        },
        secure=True,
        HTTP_REFERER="https://testserver/admin/news/tag/add/",
    )
    errors = re.findall(rb"errorlist[^>]*>(.*?)</ul>", response.content, re.S)
    assert response.status_code == 302, errors
    # Without the token the same post is refused.
    refused = browser.post(
        "/admin/news/tag/add/",
        {"name_az": "X"},
        secure=True,
        HTTP_REFERER="https://testserver/admin/news/tag/add/",
    )
    assert refused.status_code == 403
