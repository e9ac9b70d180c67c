"""Production configuration: Django's deployment checks pass, the site refuses to start
without its secrets, HTTPS settings are on by default and switchable for a proxy."""

import json

import pytest

from tests.ops_support import SECRET, in_child, production_env, run_manage

# Every test reads the settings in a child process with an environment of its own.
pytestmark = pytest.mark.slow

PRODUCTION = {"DEBUG": "0", "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "example.gov.az"}
SETTINGS_DUMP = """
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in NAMES}, default=str))
"""
NAMES = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "AXES_CLIENT_IP_CALLABLE",
    "PASSWORD_HASHERS",
]


def production_settings(**overrides):
    env = production_env(**{**PRODUCTION, **overrides})
    code = f"import json\nNAMES = {NAMES!r}\n" + SETTINGS_DUMP
    result = in_child(code, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("behind_proxy", [None, "1"])
def test_check_deploy_passes_at_warning_level(behind_proxy):
    env = production_env(**PRODUCTION, TRUST_PROXY_HEADERS=behind_proxy)
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = production_env(**{**PRODUCTION, missing: None})
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{missing} must be set when DEBUG is off" in result.stderr


def test_development_needs_no_configuration():
    env = production_env(DEBUG="1", SECRET_KEY=None, ALLOWED_HOSTS=None)
    assert run_manage("check", env=env).returncode == 0


def test_https_is_on_by_default_in_production():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["LANGUAGE_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "strict-origin-when-cross-origin"
    assert values["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert values["X_FRAME_OPTIONS"] == "DENY"
    # Proxy headers are not believed unless configured.
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    # Production keeps Django's strong default hasher.
    assert values["PASSWORD_HASHERS"][0].endswith("PBKDF2PasswordHasher")


def test_behind_a_tls_terminating_proxy():
    values = production_settings(TRUST_PROXY_HEADERS="1", SECURE_SSL_REDIRECT="0")
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_SSL_REDIRECT"] is False
    # Cookies stay secure and __Host-: the browser still speaks HTTPS to the proxy.
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600


def test_plain_http_rig_switches_https_off():
    values = production_settings(HTTPS="0")
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_NAME"] == "sessionid"
    assert values["CSRF_COOKIE_NAME"] == "csrftoken"


def test_gunicorn_config_reads_the_environment():
    code = """
import runpy, json
cfg = runpy.run_path("gunicorn.conf.py")
print(json.dumps({k: cfg[k] for k in ["bind", "workers", "timeout", "graceful_timeout",
    "forwarded_allow_ips", "secure_scheme_headers", "accesslog", "logger_class"]}))
"""
    plain = in_child(code, production_env(**PRODUCTION))
    assert plain.returncode == 0, plain.stderr
    values = json.loads(plain.stdout.strip().splitlines()[-1])
    assert 1 <= values["workers"] <= 12
    assert values["timeout"] == 30
    assert values["graceful_timeout"] == 30
    assert values["forwarded_allow_ips"] == ""
    assert values["secure_scheme_headers"] == {}
    assert values["accesslog"] == "-"
    assert values["logger_class"] == "portal.logging.GunicornJsonLogger"
    proxied = in_child(
        code,
        production_env(
            **PRODUCTION,
            TRUST_PROXY_HEADERS="1",
            FORWARDED_ALLOW_IPS="10.0.0.5",
            WEB_CONCURRENCY="3",
        ),
    )
    values = json.loads(proxied.stdout.strip().splitlines()[-1])
    assert values["workers"] == 3
    assert values["forwarded_allow_ips"] == "10.0.0.5"
    assert values["secure_scheme_headers"] == {"X-FORWARDED-PROTO": "https"}
