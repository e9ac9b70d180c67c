"""Site-wide views: health checks, the language switch, static pages, error pages."""

import json
import sys

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import override
from django.views.decorators.http import require_safe

from core import caching
from core.caching import query_params
from core.i18n import LANGUAGE_CODES
from core.seo import alternates_for
from portal.middleware import database_unavailable_response, is_database_outage
from portal.models import StaticPage


def livez(request):
    """The process answers. Touches neither database nor cache: the benchmark's floor."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def readyz(request):
    """Whether this process can serve pages: 200 while the database answers.

    Pages are rendered from the database, so a cache that is away only makes them
    slower ("cache": "degraded"); a load balancer must not take every node out for it.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "unavailable"
    checks["cache"] = caching.cache_status()
    ready = checks["database"] == "ok"
    status = "ok" if ready and checks["cache"] != "degraded" else "degraded"
    response = HttpResponse(
        json.dumps({"status": status if ready else "unavailable", "checks": checks}),
        content_type="application/json; charset=utf-8",
        status=200 if ready else 503,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri("/sitemap.xml")
    body = f"User-agent: *\nDisallow: /admin/\nDisallow: /language/\nSitemap: {sitemap}\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


@require_safe
def switch_language(request, code):
    """Record the reader's language choice in a cookie, then go to the page in that language."""
    if code not in LANGUAGE_CODES:
        raise Http404("Unknown language")
    target = request.GET.get("next") or f"/{code}/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not target.startswith("/"):
        return HttpResponseBadRequest("Bad redirect target")
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
    )
    return response


@query_params()
@require_safe
def static_page(request, pk, slug):
    page = StaticPage.objects.filter(pk=pk, is_published=True).prefetch_related("documents").first()
    if page is None:
        raise Http404("No such page")
    if slug != page.get_absolute_url().rstrip("/").rsplit("/", 1)[-1]:
        return HttpResponseRedirect(page.get_absolute_url(), status=301)

    def url_in(language):
        with override(language):
            return page.get_absolute_url()

    return render(request, "portal/page.html", {"page": page, "alternates": alternates_for(url_in)})


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without context processors: the database may be what failed. A database
    # outage raised before the view (in a middleware, or in the 404 page's context) lands
    # here too, and answers the 503 page with Retry-After instead.
    if is_database_outage(sys.exc_info()[1]):
        return database_unavailable_response()
    return HttpResponse(render_to_string("500.html"), status=500)
