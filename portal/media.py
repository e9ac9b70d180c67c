"""Uploaded files, served safely: only real files under MEDIA_ROOT, never run by the browser.

Editors upload images and PDFs; a file that is really HTML or script in disguise must not
run in our origin. Every answer carries nosniff and a CSP that sandboxes the document and
allows nothing but images; anything that is not an image is a download.

Photo renditions (news.newsroom.images) carry a hash of their bytes in their names: a
name always means the same picture, so they are kept a year and never revalidated. Every
other upload (originals, documents, renditions named before hashes) is kept a week.
deploy/nginx/ sends the same when it serves /media/.
"""

import mimetypes
import posixpath
import re
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

MEDIA_CSP = "default-src 'none'; img-src 'self'; sandbox"
# Shown inline; anything else is offered as a download.
INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"}
MAX_AGE = 7 * 24 * 3600
RENDITION_MAX_AGE = 365 * 24 * 3600
# "gallery/2026/05/<stem>.<16 hex digits>-640.webp": the names news.newsroom.images gives.
RENDITION = re.compile(r"(?:articles|gallery)/(?:[^/]+/)*[^/]+\.[0-9a-f]{16}-[0-9]+\.(?:jpg|webp)")


def cache_control(path):
    """The Cache-Control of the upload at `path` (relative to MEDIA_ROOT, normalised)."""
    if RENDITION.fullmatch(path):
        return f"public, max-age={RENDITION_MAX_AGE}, immutable"
    return f"public, max-age={MAX_AGE}"


def _resolve(path):
    """The file under MEDIA_ROOT that `path` names, or Http404 for anything else."""
    normalized = posixpath.normpath(path).lstrip("/")
    parts = normalized.split("/")
    if (
        not path
        or "\x00" in path
        or "\\" in path
        or normalized.startswith("..")
        or any(part.startswith(".") for part in parts)
    ):
        raise Http404("No such file")
    try:
        full = Path(safe_join(settings.MEDIA_ROOT, normalized))
        resolved = full.resolve(strict=True)
        # A symlink pointing out of the media folder is refused like "..".
        resolved.relative_to(Path(settings.MEDIA_ROOT).resolve())
    except (ValueError, OSError) as error:  # SuspiciousFileOperation is a ValueError too
        raise Http404("No such file") from error
    if not resolved.is_file():
        raise Http404("No such file")
    return resolved


@require_safe
def serve(request, path):
    file_path = _resolve(path)
    cache = cache_control(posixpath.normpath(path).lstrip("/"))
    stat = file_path.stat()
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), stat.st_mtime):
        response = HttpResponseNotModified()
    else:
        content_type, encoding = mimetypes.guess_type(file_path.name)
        content_type = content_type or "application/octet-stream"
        if encoding:  # a .gz is an opaque download, never transparently decoded
            content_type = "application/octet-stream"
        inline = content_type in INLINE_TYPES
        response = FileResponse(
            file_path.open("rb"),
            content_type=content_type,
            as_attachment=not inline,
            filename=file_path.name,
        )
        response["Last-Modified"] = http_date(stat.st_mtime)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = cache
    return response
