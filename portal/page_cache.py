"""Whole-page cache and HTTP validators for anonymous readers.

Only a reader without a session cookie (so never a logged-in editor) gets or fills a
cached page, and only for a GET or HEAD under a language prefix (/az/…, /en/…). A
page is stored only if the view's answer is one anyone may see: status 200, no
cookie set (a CSRF token or a message means it is personal), no `no-store`,
`no-cache` or `private` from the view (previews, never_cache forms).

Keys hold the content version (news.cache), the scheme, host and full URL, so a
publish, edit, withdrawal or delete serves the new page on the next request: the
old entries are simply never asked for again and age out.

Views are counted exactly when a page comes from the cache: the article view marks
its response with the article's id (`response.counts_views_of`), the entry keeps it,
and a hit counts the view through the same rules (not HEAD, not bots).

Every anonymous page gets an ETag and a Last-Modified, and a conditional request
that matches gets a 304. Listings and the home page say `Cache-Control: public,
max-age=PAGE_MAX_AGE`, so a proxy or CDN may keep them briefly. Article pages say
`public, no-cache`: a proxy may store them but must ask us every time (a cheap 304),
because every reader's view has to reach the counter.
"""

import hashlib
import logging
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe

from news import services, view_buffer
from news.cache import content_version, request_scope, shared_get, shared_set

logger = logging.getLogger(__name__)

# Headers a stored page must not replay: per-request or per-connection ones.
SKIPPED_HEADERS = {"set-cookie", "date", "x-request-id", "content-length", "connection"}
PERSONAL_CACHE_CONTROL = ("no-store", "no-cache", "private", "max-age=0")


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
            key = page_key(request, url_digest(request))
            entry = load(key) if key else None
            if entry is not None:
                return serve(request, entry)
            response = self.get_response(request)
            if not is_shareable(request, response):
                return response
            entry = make_entry(response)
            if key:
                store(key, entry)
            return respond_from_render(request, response, entry)


def is_anonymous_page_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if not request.path.startswith(language_prefixes()):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def url_digest(request):
    """The page's full URL (scheme, host, path, query) hashed, or None when the host
    is not allowed."""
    try:
        url = request.build_absolute_uri()
    except Exception:  # a disallowed host: let the normal path answer it
        return None
    return hashlib.sha256(url.encode()).hexdigest()[:32]


def page_key(request, digest):
    """The cache key, or None when page caching is off or the cache is down."""
    if digest is None or settings.PAGE_CACHE_SECONDS <= 0:
        return None
    version = content_version()
    if version is None:
        return None
    return f"page:{version}:{digest}"


# Pages are also kept in each worker's memory (a few hundred, least recently used
# first out): the key names the content version, so an entry never goes stale, and a
# hit then costs no shared-cache round trip for the page itself.
LOCAL_PAGES = 256
_local_pages = OrderedDict()
_local_lock = threading.Lock()


def load(key):
    entry = _local_pages.get(key)
    if entry is not None and entry[1] > time.monotonic():
        return entry[0]
    try:
        page = shared_get(key)
    except Exception:
        logger.warning("cache unavailable while reading a page")
        return None
    if page is not None:
        _remember(key, page)
    return page


def store(key, entry):
    _remember(key, entry)
    try:
        shared_set(key, entry, settings.PAGE_CACHE_SECONDS)
    except Exception:
        logger.warning("cache unavailable while storing a page")


def _remember(key, entry):
    with _local_lock:
        _local_pages[key] = (entry, time.monotonic() + settings.PAGE_CACHE_SECONDS)
        _local_pages.move_to_end(key)
        while len(_local_pages) > LOCAL_PAGES:
            _local_pages.popitem(last=False)


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
    article_id = getattr(response, "counts_views_of", None)
    max_age = settings.PAGE_MAX_AGE
    return {
        "content": content,
        "headers": [
            (name, value)
            for name, value in response.items()
            if name.lower() not in SKIPPED_HEADERS and name.lower() != "cache-control"
        ],
        "etag": f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"',
        "last_modified": int(time.time()),
        "cache_control": "public, no-cache" if article_id else f"public, max-age={max_age}",
        "article": article_id,
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
    """Answer from the cache: count the view, then the page or a 304."""
    if entry["article"] and services.is_countable_view(request):
        try:
            # The page shows the count it was made with: no need to wait for Redis.
            if not view_buffer.send(entry["article"]):
                services.count_view_of(entry["article"])
        except Exception:  # a database outage must not turn a cached page into an error
            logger.exception("could not count a view of a cached page")
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
