"""Whole-page cache and HTTP validators for anonymous readers.

Only a reader without a session cookie (so never a logged-in editor) gets or fills a
cached page, and only for a GET or HEAD under a language prefix (/az/…, /en/…). A page
is stored only if the view's answer is one anyone may see: status 200, no cookie set
(a CSRF token or a message means it is personal), no `no-store`, `no-cache` or
`private` from the view (previews, never_cache forms).

Keys hold the content version (core.caching.version), the scheme, host and full URL, so
a publish, edit, withdrawal or delete serves the new page on the next request: the old
entries are never asked for again and age out.

A view that must know about every reader even when the page comes from the cache (the
article's view counter) marks its response with `response.page_cache_hit = (name, value)`;
the entry keeps the mark, and each hit calls the handler registered under that name
(`register_hit_handler`). The caching package knows no app.

Query strings: a view says which query parameters it reads (`@query_params("page")`).
A request to such a view with any other parameter is redirected to the same URL without
it, so junk parameters (trackers, cache busters, attacks) never make an entry, and the
parameters it keeps are put in one order. A view that says nothing is cached only
without a query string. Each path gets at most PAGE_CACHE_VARIANTS entries per content
version (a search page has as many variants as readers have words).

Every anonymous page gets an ETag and a Last-Modified, and a conditional request that
matches gets a 304. Pages say `Cache-Control: public, max-age=PAGE_MAX_AGE`, so a proxy
may keep them briefly; pages with a hit handler say `public, no-cache`: a proxy may
store them but must ask us every time (a cheap 304), so every reader reaches the handler.
"""

import functools
import hashlib
import logging
import time

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.utils.http import http_date, parse_http_date_safe, urlencode
from django.utils.translation import get_language_from_path, override

from core.caching import shared
from core.caching.memory import LRU
from core.caching.version import content_version, request_scope

logger = logging.getLogger(__name__)

# Headers a stored page must not replay: per-request or per-connection ones.
SKIPPED_HEADERS = {"set-cookie", "date", "x-request-id", "content-length", "connection"}
PERSONAL_CACHE_CONTROL = ("no-store", "no-cache", "private", "max-age=0")

# Pages are also kept in each worker's memory (a few hundred, least recently used first
# out): a hit then costs no shared-cache round trip for the page itself.
local = LRU(max_entries=256, ttl=3600)
_hit_handlers = {}


def query_params(*names):
    """Mark a view with the query parameters it reads: the page cache keeps those in its
    key and redirects away any other."""

    def mark(view):
        view.page_cache_params = frozenset(names)
        return view

    return mark


@functools.lru_cache(maxsize=4096)
def declared_params(path):
    """The query parameters the view at `path` reads, or None when it says nothing (or
    nothing answers there)."""
    with override(get_language_from_path(path)):
        try:
            match = resolve(path)
        except Resolver404:
            return None
    return getattr(match.func, "page_cache_params", None)


def canonical_query(request):
    """(the query string to key the page by, or None when the page is not cached,
    and whether the request carries parameters its view does not read)."""
    if not request.GET:
        return "", False
    params = declared_params(request.path_info)
    if params is None:
        return None, False
    kept = sorted((name, value) for name, value in request.GET.items() if name in params)
    return urlencode(kept), len(kept) != len(request.GET.keys()) or any(
        len(request.GET.getlist(name)) > 1 for name in params
    )


def register_hit_handler(name, handler):
    """`handler(request, value)` runs for every page served from the cache whose view
    marked its response with `page_cache_hit = (name, value)`."""
    _hit_handlers[name] = handler


def language_prefixes():
    return tuple(f"/{code}/" for code, _name in settings.LANGUAGES)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # One content-version read per request, shared by every fragment on the page.
        with request_scope():
            if not is_anonymous_page_request(request):
                return self.get_response(request)
            query, unread = canonical_query(request)
            if unread:
                return HttpResponsePermanentRedirect(request.path + (f"?{query}" if query else ""))
            key = page_key(request, url_digest(request, query)) if query is not None else None
            entry = load(key) if key else None
            if entry is not None:
                return serve(request, entry)
            response = self.get_response(request)
            if not is_shareable(request, response):
                return response
            entry = make_entry(response)
            if key and within_variants(key, request.path):
                store(key, entry)
            return respond_from_render(request, response, entry)


def is_anonymous_page_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if not request.path.startswith(language_prefixes()):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def url_digest(request, query=""):
    """The page's URL (scheme, host, path, canonical query) hashed, or None when the
    host is not allowed."""
    try:
        url = request.build_absolute_uri(request.path + (f"?{query}" if query else ""))
    except Exception:  # a disallowed host: let the normal path answer it
        return None
    return hashlib.sha256(url.encode()).hexdigest()[:32]


def page_key(request, digest):
    """The cache key, or None when page caching is off or the version is unknown."""
    if digest is None or settings.PAGE_CACHE_SECONDS <= 0:
        return None
    version = content_version()
    if version is None:
        return None
    return f"page:{version}:{digest}"


def load(key):
    entry = local.get(key)
    if entry is not None:
        return entry
    entry = shared.get(key)
    if entry is not None:
        local.set(key, entry, settings.PAGE_CACHE_SECONDS)
    return entry


def within_variants(key, path):
    """Whether `path` may have one more entry for this version (PAGE_CACHE_VARIANTS)."""
    limit = settings.PAGE_CACHE_VARIANTS
    if not limit:
        return True
    version = key.split(":", 2)[1]
    digest = hashlib.sha256(path.encode()).hexdigest()[:32]
    count = shared.incr(f"variants:{version}:{digest}", settings.PAGE_CACHE_SECONDS)
    return count is None or count <= limit


def store(key, entry):
    local.set(key, entry, settings.PAGE_CACHE_SECONDS)
    shared.set(key, entry, settings.PAGE_CACHE_SECONDS)


def is_shareable(request, response):
    """The rendered answer is the same for every anonymous reader."""
    if response.status_code != 200 or response.streaming:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(word in cache_control for word in PERSONAL_CACHE_CONTROL)


def make_entry(response):
    content = response.content
    hit = getattr(response, "page_cache_hit", None)
    return {
        "content": content,
        "headers": [
            (name, value)
            for name, value in response.items()
            if name.lower() not in SKIPPED_HEADERS and name.lower() != "cache-control"
        ],
        "etag": f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"',
        "last_modified": int(time.time()),
        "cache_control": "public, no-cache" if hit else f"public, max-age={settings.PAGE_MAX_AGE}",
        "hit": hit,
    }


def is_not_modified(request, entry):
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return entry["etag"] in tags or "*" in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and entry["last_modified"] <= since


def validators(response, entry):
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["last_modified"])
    response["Cache-Control"] = entry["cache_control"]
    return response


def serve(request, entry):
    """Answer from the cache: run the hit handler, then the page or a 304."""
    if entry["hit"]:
        name, value = entry["hit"]
        handler = _hit_handlers.get(name)
        try:
            if handler is not None:
                handler(request, value)
        except Exception:  # an outage behind the handler must not turn a hit into an error
            logger.exception("the page cache's %s handler failed", name)
    if is_not_modified(request, entry):
        return validators(HttpResponseNotModified(), entry)
    response = HttpResponse(b"" if request.method == "HEAD" else entry["content"])
    for name, value in entry["headers"]:
        response[name] = value
    response["Content-Length"] = str(len(entry["content"]))
    response["X-Page-Cache"] = "hit"
    return validators(response, entry)


def respond_from_render(request, response, entry):
    """A freshly rendered page with its validators (the view has already counted it)."""
    validators(response, entry)
    if is_not_modified(request, entry):
        return validators(HttpResponseNotModified(), entry)
    return response
