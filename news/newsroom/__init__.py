"""The newsroom: how editors and authors write, check and publish articles in the admin.

`admin.py` (the article admin, loaded by `news/admin.py` for Django's admin discovery),
`forms.py`, `workflow.py` (status changes, one transaction each), `revisions.py`
(django-reversion), `images.py` (uploads checked, re-encoded and cut into renditions),
`media_cleanup.py` (files go with their rows), `pending.py` (uploads kept across a failed
save; `clean_abandoned_uploads` deletes those nobody came back for).

The rest of the code uses only what is named here.
"""

from news.newsroom.events import EVENTS, PUBLISHED, RETURNED, SUBMITTED, newsroom_event
from news.newsroom.images import refresh_renditions, upgrade_renditions
from news.newsroom.pending import clean_abandoned_uploads

__all__ = [
    "EVENTS",
    "PUBLISHED",
    "RETURNED",
    "SUBMITTED",
    "clean_abandoned_uploads",
    "newsroom_event",
    "refresh_renditions",
    "upgrade_renditions",
]
