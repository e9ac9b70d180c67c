"""Findings on the admin's login.

1. A username of 256 characters or more answered 500: django-axes could not store the
   failed attempt (`value too long for type character varying(255)`), because the login
   form limited the username only in the browser. Now the form refuses it on the server,
   before authentication and axes, in the reader's language.
2. After a login with an unsafe `?next=`, the redirect went to /accounts/profile/, a 404.
   Now it lands on the admin.
"""

import logging

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.shortcuts import resolve_url
from django.utils import translation

from portal.admin_site import AdminLoginForm

pytestmark = [pytest.mark.security, pytest.mark.postgres, pytest.mark.django_db]

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct-horse-battery-staple"
TOO_LONG = {
    "az": "İstifadəçi adı çox uzundur: ən çoxu 150 simvol.",
    "en": "The username is too long: at most 150 characters.",
}


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True)


def attempt(client, username, password, language="en"):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR="10.0.0.1",
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.mark.parametrize("length", [151, 256, 10_000])
@pytest.mark.parametrize("language", ["az", "en"])
def test_an_overlong_username_is_a_form_error(client, editor, caplog, length, language):
    with caplog.at_level(logging.WARNING):
        response = attempt(client, "u" * length, "wrong-password", language)
    assert response.status_code == 200
    assert TOO_LONG[language] in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Refused before authenticate(): axes saw no attempt at all.
    assert not AccessAttempt.objects.exists()
    assert not AccessFailureLog.objects.exists()
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_the_longest_allowed_username_still_signs_in(client):
    longest = "u" * 150
    get_user_model().objects.create_user(longest, password=PASSWORD, is_staff=True)
    response = attempt(client, longest, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_overlong_usernames_do_not_stop_a_correct_login(client, editor):
    for _ in range(10):
        assert attempt(client, "u" * 300, "wrong-password").status_code == 200
    response = attempt(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_five_wrong_passwords_still_lock_the_account(client, editor):
    for _ in range(4):
        assert attempt(client, "editor", "wrong-password").status_code == 200
    assert attempt(client, "editor", "wrong-password").status_code == 429
    assert AccessAttempt.objects.get().failures_since_start == 5
    assert attempt(client, "editor", PASSWORD).status_code == 429


def test_the_admin_uses_the_bounded_form():
    assert admin.site.login_form is AdminLoginForm
    form = AdminLoginForm(data={"username": "u" * 151, "password": "x"})
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["username"] == [TOO_LONG["en"]]
    assert AdminLoginForm().fields["username"].max_length == 150


# --- LOGIN_REDIRECT_URL ---------------------------------------------------------------------


def test_login_redirect_url_is_the_admin(settings):
    assert resolve_url(settings.LOGIN_REDIRECT_URL) == "/admin/"


@pytest.mark.parametrize(
    "unsafe",
    ["https://evil.example/", "//evil.example/", "http://evil.example/admin/"],
)
def test_a_login_with_an_unsafe_next_lands_on_the_admin(client, editor, unsafe):
    response = client.post(
        f"/admin/login/?next={unsafe}",
        {"username": "editor", "password": PASSWORD, "next": unsafe},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200
