"""Uploads kept across a failed save: the photos chosen with a form that had errors.

A browser cannot re-send a file the page shows again, so after a form error every image
that passed its own checks is stored under MEDIA_ROOT/pending/ and the form carries a
signed token naming it. The next post without a new file uses the kept one; a successful
save copies it into the article's photos and deletes it. Files nobody came back for are
removed by `clean_abandoned_uploads` (Celery beat, or `manage.py clean_pending_uploads`).

The token is signed with the uploader's id: it cannot be forged or pointed at another
file, and only its uploader sees the preview.
"""

import datetime
import logging
import posixpath
import uuid

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

FOLDER = "pending"
SALT = "news.newsroom.pending-upload"
# A form left open longer than this has been abandoned; its kept files are cleaned up.
MAX_AGE = datetime.timedelta(hours=24)
SUFFIX = "-pending"  # the hidden input beside a file input: "<name>-pending"


class PendingFile(ContentFile):
    """A kept upload read back for the next save; remembers the token it came from."""

    def __init__(self, content, name, token):
        super().__init__(content, name=name)
        self.pending_token = token


def keep(upload, user):
    """Store a cleaned upload under pending/; returns its signed token."""
    if isinstance(upload, PendingFile):
        return upload.pending_token
    extension = posixpath.splitext(upload.name or "")[1].lower() or ".jpg"
    upload.seek(0)
    stored = default_storage.save(f"{FOLDER}/{uuid.uuid4().hex}{extension}", upload)
    return signing.dumps({"name": stored, "user": user.pk}, salt=SALT, compress=True)


def _unsign(token):
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except (signing.BadSignature, TypeError):
        return None
    name = data.get("name") if isinstance(data, dict) else None
    if not isinstance(name, str) or posixpath.dirname(name) != FOLDER:
        return None
    return data


def stored_name(token, user):
    """The storage name a token names, if it is valid and `user` uploaded it; else None."""
    data = _unsign(token)
    if data is None or data.get("user") != user.pk:
        return None
    return data["name"]


def load(token):
    """The kept file for a token as an upload again, or None if it is gone or invalid."""
    data = _unsign(token)
    if data is None:
        return None
    try:
        with default_storage.open(data["name"], "rb") as handle:
            content = handle.read()
    except OSError:
        return None
    return PendingFile(content, posixpath.basename(data["name"]), token)


def discard_after_commit(tokens):
    """Delete the kept files once the save that used (or replaced) them has committed."""
    names = [data["name"] for data in map(_unsign, tokens) if data]

    def delete():
        for name in names:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("could not delete the kept upload %s", name)

    if names:
        transaction.on_commit(delete)


def tokens_in(post):
    """Every kept-upload token a posted form carried."""
    return [value for key, value in post.items() if key.endswith(SUFFIX) and value]


def clean_abandoned_uploads(max_age=MAX_AGE):
    """Delete kept uploads older than `max_age`; returns how many were deleted."""
    cutoff = timezone.now() - max_age
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    deleted = 0
    for filename in files:
        name = f"{FOLDER}/{filename}"
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
                deleted += 1
        except OSError:
            logger.warning("could not clean up the kept upload %s", name)
    return deleted
