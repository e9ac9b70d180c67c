"""Site-wide middleware: request ids, missing headers, a calm answer when the database is
down, and request bodies refused before anything reads them."""

import logging

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.syndication.views import Feed
from django.core.signals import request_finished
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation

from portal import request_id

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
# Text-like types a browser would otherwise guess the encoding of.
_NEEDS_CHARSET = ("text/", "application/json", "application/xml", "application/javascript")
_TEXT_SUFFIXES = ("+xml", "+json")


class RequestIdMiddleware:
    """Tags the request, its log records and its response with one id.

    The id stays set until the response is finished (request_finished), so the
    "Not Found" / "Internal Server Error" records Django writes after the middleware
    chain carry it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _token, value = request_id.begin(request.headers.get("X-Request-ID"))
        request.request_id = value
        response = self.get_response(request)
        response["X-Request-ID"] = value
        return response


def _forget_request_id(**_kwargs):
    request_id.end()


request_finished.connect(_forget_request_id, dispatch_uid="portal.request_id.end")


def _needs_charset(content_type):
    media_type = content_type.split(";", 1)[0].strip().lower()
    if "charset=" in content_type.lower() or not media_type:
        return False
    return media_type.startswith(_NEEDS_CHARSET) or media_type.endswith(_TEXT_SUFFIXES)


class SecurityHeadersMiddleware:
    """Headers the MDN Observatory checks that Django does not set itself, and a charset on
    every text answer (Django's sitemap view, for one, says only `application/xml`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.setdefault(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        )
        content_type = response.get("Content-Type", "")
        if _needs_charset(content_type):
            response["Content-Type"] = f"{content_type}; charset=utf-8"
        return response


def database_unavailable_response():
    """The bilingual 503 page. Rendered without a request: no context processor may touch
    the database that just failed."""
    response = HttpResponse(
        render_to_string("503.html"), status=503, content_type="text/html; charset=utf-8"
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def is_database_outage(exception):
    return isinstance(exception, DATABASE_ERRORS)


class DatabaseUnavailableMiddleware:
    """Answer a bilingual 503 page when PostgreSQL is unreachable, instead of a traceback.

    This catches failures in views and templates (context processors included). A failure
    in a middleware before the view never reaches `process_exception`; Django turns it into
    a 500 through `handler500`, which `portal.views.server_error` maps to the same page.
    Connections are health-checked at each request (CONN_MAX_AGE with conn_health_checks),
    so the site recovers by itself as soon as the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_outage(exception):
            return None
        logger.error("database unavailable: %s", exception.__class__.__name__)
        return database_unavailable_response()


SAFE_METHODS = ("GET", "HEAD")


def declared_methods(view_func):
    """The HTTP methods a view declares, or None when it declares none.

    Reads what `require_http_methods` (and require_safe / require_GET / require_POST)
    closed over, and a class-based view's handlers; walks `__wrapped__` through other
    decorators.
    """
    view_class = getattr(view_func, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
    func = view_func
    while func is not None:
        code = getattr(func, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = func.__closure__[code.co_freevars.index("request_method_list")]
            return set(cell.cell_contents)
        func = getattr(func, "__wrapped__", None)
    return None


def _is_feed_or_sitemap(view_func):
    return isinstance(view_func, Feed) or view_func in (sitemap_views.sitemap, sitemap_views.index)


class MethodNotAllowedMiddleware:
    """Answer 405 to a POST/PUT/DELETE… on a page before the CSRF check answers 403.

    A page that only reads (require_safe) rejects other methods itself, but the CSRF
    middleware runs first and would say 403 Forbidden, which is the wrong answer: the
    method is not allowed, whoever sends it. Views that declare nothing keep Django's
    behaviour, except feeds and sitemaps, which only read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS:
            return None
        allowed = declared_methods(view_func)
        if allowed is None and _is_feed_or_sitemap(view_func):
            allowed = {*SAFE_METHODS}
        if allowed is None or request.method in allowed:
            return None
        return HttpResponseNotAllowed(sorted(allowed))


# Request bodies --------------------------------------------------------------------------

_READ_CHUNK = 64 * 1024


def limit_request_body(max_bytes):
    """Declare the largest request body, in bytes, a view accepts.

    RequestBodyLimitMiddleware then refuses a bigger one with 413 before anything reads
    it: the CSRF middleware reads `request.POST` before the view runs, and Django would
    write a multipart body's files to temporary files whatever their size.
    """

    def decorator(view_func):
        view_func.max_request_body = max_bytes
        return view_func

    return decorator


def request_too_large(request):
    """The 413 page, in the reader's language."""
    response = render(request, "413.html", status=413)
    response["Cache-Control"] = "no-store"
    return response


def _declared_length(request):
    length = (request.META.get("CONTENT_LENGTH") or "").strip()
    return int(length) if length.isdigit() else None


def refuse_large_body(request, max_bytes):
    """None when the request's body is at most `max_bytes`, else the answer that refuses it.

    A Content-Length over the limit is refused before a byte of the body is read. A body
    without one (Transfer-Encoding: chunked) is read up to `max_bytes` + 1 bytes: over the
    limit it gets 413, within it 411, as Django reads only a body whose length is declared
    (it would see an empty form).
    """
    declared = _declared_length(request)
    if declared is not None:
        return request_too_large(request) if declared > max_bytes else None
    if "HTTP_TRANSFER_ENCODING" not in request.META:
        return None  # no body
    stream, received = request.META["wsgi.input"], 0
    while received <= max_bytes:
        chunk = stream.read(min(_READ_CHUNK, max_bytes + 1 - received))
        if not chunk:
            break
        received += len(chunk)
    if received > max_bytes:
        return request_too_large(request)
    return HttpResponse(
        "Length Required: send the body with a Content-Length.\n",
        status=411,
        content_type="text/plain; charset=utf-8",
    )


class RequestBodyLimitMiddleware:
    """413 for a request body larger than its view declares (`limit_request_body`), or,
    for a view that declares nothing, larger than ANONYMOUS_MAX_REQUEST_BODY when the
    sender has no session (nobody logged in: the admin's login form and the like). Staff
    uploads come with a session and keep Django's own limits.

    It must come before CsrfViewMiddleware, whose process_view reads request.POST.
    gunicorn cannot cap a body's size; the proxy in front can (nginx: client_max_body_size).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        max_bytes = getattr(view_func, "max_request_body", None)
        if max_bytes is None and settings.SESSION_COOKIE_NAME not in request.COOKIES:
            max_bytes = settings.ANONYMOUS_MAX_REQUEST_BODY
        if max_bytes is None or request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        return refuse_large_body(request, max_bytes)


# --- The admin in the staff user's own language ------------------------------------------

ADMIN_PREFIX = "/admin/"
ADMIN_LANGUAGE_SESSION_KEY = "admin_language"
ADMIN_LANGUAGES = ("az", "en")
DEFAULT_ADMIN_LANGUAGE = "az"


def admin_language(request):
    """The signed-in staff user's admin language: the session's copy, their saved
    preference, or Azerbaijani. The public site's language cookie plays no part."""
    code = request.session.get(ADMIN_LANGUAGE_SESSION_KEY)
    if code in ADMIN_LANGUAGES:
        return code
    from portal.models import StaffPreference  # noqa: PLC0415 - models load after middleware

    code = (
        StaffPreference.objects.filter(user=request.user)
        .values_list("admin_language", flat=True)
        .first()
    ) or DEFAULT_ADMIN_LANGUAGE
    # Kept in the session, so later pages need no query for it.
    request.session[ADMIN_LANGUAGE_SESSION_KEY] = code
    return code


class AdminLanguageMiddleware:
    """Every /admin/ page of a signed-in staff user speaks that user's language.

    After LocaleMiddleware (which follows the public cookie) and authentication: an editor
    who clicks EN on a preview keeps an Azerbaijani admin, with Azerbaijani date formats.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.path.startswith(ADMIN_PREFIX)
            and user is not None
            and user.is_authenticated
            and user.is_staff
        ):
            code = admin_language(request)
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)
