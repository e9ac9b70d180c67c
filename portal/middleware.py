"""Site-wide middleware: request ids, missing headers, a calm answer when the database is down."""

import logging

from django.db import InterfaceError, OperationalError
from django.template.loader import render_to_string

from portal import request_id

logger = logging.getLogger(__name__)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token, value = request_id.begin(request.headers.get("X-Request-ID"))
        request.request_id = value
        try:
            response = self.get_response(request)
        finally:
            request_id.end(token)
        response["X-Request-ID"] = value
        return response


class SecurityHeadersMiddleware:
    """Headers the MDN Observatory checks that Django does not set itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.setdefault(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        )
        return response


class DatabaseUnavailableMiddleware:
    """Answer a bilingual 503 page when PostgreSQL is unreachable, instead of a traceback.

    Django reconnects on the next request by itself, so the site recovers as soon as
    the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("database unavailable: %s", exception.__class__.__name__)
        from django.http import HttpResponse

        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
