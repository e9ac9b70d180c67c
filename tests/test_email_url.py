"""EMAIL_URL: one variable for the SMTP server, read at start-up (portal/settings.py).

Each case reads the settings in a child process with an environment of its own, as the
site starts in production; a URL that cannot be used stops it with a clear message."""

import json

import pytest

from tests.ops_support import SECRET, in_child, production_env, run_manage

pytestmark = pytest.mark.slow

NAMES = [
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
]
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "example.gov.az"}


def email_settings(url):
    env = production_env(**PRODUCTION, EMAIL_URL=url, EMAIL_HOST=None, EMAIL_PORT=None)
    code = (
        "import json\nfrom django.conf import settings as s\n"
        f"print(json.dumps({{name: getattr(s, name) for name in {NAMES!r}}}))\n"
    )
    result = in_child(code, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_smtp_with_starttls_user_and_password():
    assert email_settings("smtp://mailer:secret@mail.example.gov.az:587/?tls=1") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.gov.az",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "secret",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


def test_plain_smtp_without_a_port_or_login_uses_port_25():
    found = email_settings("smtp://relay.internal")
    assert (found["EMAIL_HOST"], found["EMAIL_PORT"]) == ("relay.internal", 25)
    assert (found["EMAIL_HOST_USER"], found["EMAIL_HOST_PASSWORD"]) == ("", "")
    assert not found["EMAIL_USE_TLS"]
    assert not found["EMAIL_USE_SSL"]


def test_smtps_is_tls_from_the_start_on_port_465_by_default():
    found = email_settings("smtps://mailer:secret@mail.example.gov.az")
    assert (found["EMAIL_PORT"], found["EMAIL_USE_SSL"], found["EMAIL_USE_TLS"]) == (
        465,
        True,
        False,
    )


def test_quoted_characters_in_the_user_and_password_are_unquoted():
    # "xəbər@gov.az" and "p@ss:w/rd#1%" percent-encoded, as a URL must carry them.
    found = email_settings(
        "smtp://x%C9%99b%C9%99r%40gov.az:p%40ss%3Aw%2Frd%231%25@mail.example.gov.az:2525/"
    )
    assert found["EMAIL_HOST_USER"] == "xəbər@gov.az"
    assert found["EMAIL_HOST_PASSWORD"] == "p@ss:w/rd#1%"
    assert (found["EMAIL_HOST"], found["EMAIL_PORT"]) == ("mail.example.gov.az", 2525)


@pytest.mark.parametrize(
    "url",
    [
        "mail.example.gov.az:587",  # no scheme
        "http://mail.example.gov.az/",  # not SMTP
        "smtp://",  # no host
        "smtp://mailer:secret@mail.example.gov.az:notaport/",
        "smtp://mailer:secret@mail.example.gov.az:99999/",
        "smtp://mailer:sec#ret@mail.example.gov.az:587/",  # "#" left unquoted
    ],
)
def test_an_unusable_email_url_stops_the_start_with_a_clear_message(url):
    env = production_env(**PRODUCTION, EMAIL_URL=url)
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: EMAIL_URL must look like smtp://" in result.stderr
    # The password never reaches the log.
    assert "secret" not in result.stderr
    assert "ret@" not in result.stderr
