"""Settings for the portal, read from the environment in this one module.

Development (`DEBUG=1`) runs with no configuration at all; production refuses to
start without its secrets.
"""

import ipaddress
import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # A throwaway key per process: development sessions simply end on restart.
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "axes",
    "csp",
    "reversion",
    "django_prose_editor",
    "core",
    "portal",
    "news",
    "translators",
    "alerts",
]

MIDDLEWARE = [
    # First: X-Forwarded-* from a peer that is not one of TRUSTED_PROXIES are removed
    # before anything reads them (portal.proxies).
    "portal.proxies.ForwardedHeadersMiddleware",
    "portal.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise, so static files and error pages get the same headers as pages.
    "portal.middleware.SecurityHeadersMiddleware",
    # Text answers compressed (docs/readers.md): outside the page cache, which keeps
    # pages plain. BREACH: Django masks the CSRF token afresh in every response and
    # pads each gzip answer with random bytes (Django ≥ 4.2).
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.DatabaseUnavailableMiddleware",
    # Before sessions, CSRF and auth: a cached page for an anonymous reader skips them all.
    "core.caching.PageCacheMiddleware",
    # Anonymous reading requests read from a replica, if one is set (portal.db_router).
    "portal.db_router.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # 405 for a POST to a read-only page, before CSRF would call it 403.
    "portal.middleware.MethodNotAllowedMiddleware",
    # 413 for a body larger than its view accepts, before CSRF reads request.POST.
    "portal.middleware.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # /admin/ in the staff user's own language, whatever the public cookie says.
    "portal.middleware.AdminLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "portal.context_processors.site",
            ],
            # The newsroom's home on the admin index (templates/admin/index.html).
            "libraries": {"newsroom_home": "news.newsroom.home"},
        },
    },
]

# PostgreSQL when DATABASE_URL is set (production, CI); a SQLite file otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if os.environ.get("TEST_DATABASE_NAME"):
    # Lets several test runs share one server without sharing a test database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
# A PostgreSQL read replica (docs/scaling.md): anonymous GET/HEAD requests read from it
# once it has caught up with the content version; writes and editors use the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # Tests see the primary under both names.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "portal")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Whole-page caching for anonymous readers (core.caching.pages); off by default so the
# benchmark can measure the pages themselves. Pages are keyed by the content version,
# so this is only how long an unchanged page may stay in the cache.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0"))
# At most this many cached pages per path and content version (0: no bound).
PAGE_CACHE_VARIANTS = int(os.environ.get("PAGE_CACHE_VARIANTS", "1000"))
# How long a worker trusts the content version it read from the database before
# reading it again (core.caching.version): another server's change shows within this.
CONTENT_VERSION_TTL = float(os.environ.get("CONTENT_VERSION_TTL", "2"))
# What listings tell browsers and proxies (Cache-Control: public, max-age=…).
PAGE_MAX_AGE = int(os.environ.get("PAGE_MAX_AGE", "60"))
# View counts go to a Redis buffer flushed every VIEW_FLUSH_SECONDS (news.view_counts.buffer);
# without Redis, straight to the database.
VIEW_BUFFER_URL = os.environ.get("VIEW_BUFFER_URL", REDIS_URL)
VIEW_FLUSH_SECONDS = int(os.environ.get("VIEW_FLUSH_SECONDS", "5"))

# Background jobs (portal/celery.py, docs/notifications.md): Celery with Redis as the broker,
# no result backend. With no broker (make run: SQLite, no Redis) jobs run in this process
# after the transaction commits, so development needs no worker.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://"  # never used: named so no default broker is looked for
# Seconds before a job taken by a worker that died is handed to another one.
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "300"))

# E-mail: SMTP from EMAIL_URL (smtp://user:password@host:587/?tls=1, smtps:// for implicit
# TLS) or EMAIL_HOST and friends; the console in development. alerts.mail sends everything.
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    from urllib.parse import parse_qs, unquote, urlsplit

    _email = urlsplit(EMAIL_URL)
    _email_query = parse_qs(_email.query)
    try:
        _email_port = _email.port
    except ValueError:
        _email_port = -1
    if _email.scheme not in {"smtp", "smtps"} or not _email.hostname or _email_port == -1:
        # Said at start-up, without the password, rather than at the first e-mail.
        raise ImproperlyConfigured(
            "EMAIL_URL must look like smtp://user:password@host:587/?tls=1 or "
            f"smtps://user:password@host:465/ (scheme {_email.scheme!r}, host "
            f"{_email.hostname!r}; quote special characters in the user and password)."
        )
    EMAIL_HOST = _email.hostname
    EMAIL_PORT = _email_port or (465 if _email.scheme == "smtps" else 25)
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_USE_TLS = _email_query.get("tls", ["0"])[0] in {"1", "true", "yes"}
else:
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG and not (EMAIL_URL or os.environ.get("EMAIL_HOST"))
    else "django.core.mail.backends.smtp.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_REPLY_TO = env_list("EMAIL_REPLY_TO")
# Days a sent message stays in the outbox (alerts.tasks.delete_old_sent_messages, nightly);
# waiting and failed ones stay. At least 1: the daily limit of confirmations counts them.
OUTBOX_RETENTION_DAYS = max(1, int(os.environ.get("OUTBOX_RETENTION_DAYS", "30")))
# The site's address in e-mail links (no request to take it from), e.g. https://example.gov.az.
SITE_URL = os.environ.get(
    "SITE_URL", "http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
).rstrip("/")
# Who hears of a new appeal: these addresses, or else the users in the "Appeals" group.
APPEALS_NOTIFY = env_list("APPEALS_NOTIFY")
# Appeals older than this many days are anonymised (portal.appeals.anonymise_old_appeals).
APPEAL_RETENTION_DAYS = int(os.environ.get("APPEAL_RETENTION_DAYS", str(3 * 365)))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Where a login lands when its ?next= is missing or unsafe: the only login is the admin's.
LOGIN_REDIRECT_URL = "admin:index"

# Internationalisation: Azerbaijani first, English second.
LANGUAGE_CODE = "az"
LANGUAGES = [("az", _("Azerbaijani")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Baku"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["portal.formats"]
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

MODELTRANSLATION_DEFAULT_LANGUAGE = "az"
MODELTRANSLATION_LANGUAGES = ("az", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("az", "en"), "az": ("en",), "en": ("az",)}
# Served from our own static files, never from a CDN.
# modeltranslation reads these names without its usual prefix.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"
JQUERY_URL = "admin/js/vendor/jquery/jquery.min.js"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploads: MEDIA_ROOT on this disk by default. Several app servers share one folder (an NFS
# mount at MEDIA_ROOT on each), or name another backend and its options as JSON, e.g.
# django-storages' S3 (docs/scaling.md, "Media on shared storage").
MEDIA_STORAGE_BACKEND = os.environ.get(
    "MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
)
try:
    MEDIA_STORAGE_OPTIONS = json.loads(os.environ.get("MEDIA_STORAGE_OPTIONS", "") or "{}")
except ValueError as _error:
    raise ImproperlyConfigured(f"MEDIA_STORAGE_OPTIONS is not JSON: {_error}") from _error
STORAGES = {
    "default": {"BACKEND": MEDIA_STORAGE_BACKEND, "OPTIONS": MEDIA_STORAGE_OPTIONS},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 365 * 24 * 3600 if not DEBUG else 0
# whitenoise answers static files before the X-Frame-Options and CSP middleware run, so
# they get those two here (nosniff, referrer, opener and resource policies and HSTS come
# from the middleware before whitenoise). A stylesheet, script or font is never a document:
# the policy only matters if one is opened or framed as one. Then nothing runs, nothing
# frames it, and an image still shows.
STATIC_FILES_CSP = (
    "default-src 'none'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'; sandbox"
)
# CORS: whitenoise would send `Access-Control-Allow-Origin: *` with every file. Only fonts
# need it: browsers fetch fonts in CORS mode, so a page served from another origin (a CDN
# or a second host name in front of these files) could not use them without it. Feeds are
# Django views and send none: feed readers, web-based ones included, fetch from their
# servers, where CORS does not apply; only a script on another site's page would need it.
WHITENOISE_ALLOW_ALL_ORIGINS = False
_FONT_SUFFIXES = (".woff2", ".woff", ".ttf", ".otf")


def _static_file_headers(headers, path, url):
    headers["X-Frame-Options"] = "DENY"
    headers["Content-Security-Policy"] = STATIC_FILES_CSP
    if url.lower().endswith(_FONT_SUFFIXES):
        headers["Access-Control-Allow-Origin"] = "*"


WHITENOISE_ADD_HEADERS_FUNCTION = _static_file_headers
# Django reads a form's fields into memory up to this (for a multipart body: every part but
# the files), and answers 400 beyond it; the admin's longest article fits many times over.
# An uploaded file above FILE_UPLOAD_MAX_MEMORY_SIZE goes to a temporary file instead, and
# photos are refused above 10 MB (news.newsroom.images). Neither caps a whole multipart
# body: a view open to everyone declares its own limit (portal.middleware.limit_request_body).
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The largest body a sender without a session may post to a view that declares no limit of
# its own (portal.middleware.RequestBodyLimitMiddleware): the admin's login form and the like.
ANONYMOUS_MAX_REQUEST_BODY = 256 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# Security. HTTPS settings are on in production (DEBUG off). Behind a TLS-terminating
# proxy: TRUST_PROXY_HEADERS=1 so Django believes its X-Forwarded-Proto, and
# SECURE_SSL_REDIRECT=0 if the proxy already redirects. HTTPS=0 only for plain-HTTP
# test rigs: it drops secure cookies, the __Host- names, the redirect and HSTS.
HTTPS = env_bool("HTTPS", default=not DEBUG)
TRUST_PROXY_HEADERS = env_bool("TRUST_PROXY_HEADERS")
# How many proxies of ours append to X-Forwarded-For (see portal.client_ip).
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1"))
# Our proxies, by address or network (10.0.0.5, 10.0.0.0/24): X-Forwarded-Proto and -For
# count only on a request whose immediate peer is one of them (portal.proxies). gunicorn
# reads the same list (gunicorn.conf.py). Defaults to FORWARDED_ALLOW_IPS, then loopback.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES") or env_list("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
if TRUST_PROXY_HEADERS:
    for _proxy in TRUSTED_PROXIES:
        try:
            ipaddress.ip_network(_proxy)
        except ValueError as _error:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network "
                "(name the proxies; '*' is not accepted)."
            ) from _error
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "63072000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^livez$", r"^readyz$"]
if TRUST_PROXY_HEADERS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
# The __Host- prefix pins cookies to this exact host, path / and HTTPS.
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# An editor's session ends after a working day.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))
# Forms carry the token in a hidden field; no script of ours reads the cookie.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Uploaded files are served by portal.media (nosniff, sandboxing CSP); SERVE_MEDIA=0 when a
# front web server serves MEDIA_ROOT itself with the same headers.
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=True)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
        "manifest-src": [SELF],
    }
}

# Admin login throttling: five failures per user and address lock them out for an hour;
# staff unlock through the admin (Access attempts) or `manage.py axes_reset_username`.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# django-ipware is not installed, so axes would read REMOTE_ADDR only: our own function
# reads X-Forwarded-For, and only when TRUST_PROXY_HEADERS is on and the request came
# from one of TRUSTED_PROXIES.
AXES_CLIENT_IP_CALLABLE = "portal.client_ip.client_ip"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "portal.logging.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Scanners send bogus Host headers all day; the access log already shows the 400.
        "django.security.DisallowedHost": {"level": "CRITICAL"},
    },
}

PROSE_EDITOR_DEFAULT_EXTENSIONS = None
