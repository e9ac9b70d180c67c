"""What every page shares, built when a content change commits, not by a reader.

Every cached piece is keyed by the content version (core.caching), so a change makes all
of them miss at once. Without this the first reader after every change would build the
shared ones (site settings and static pages, the category menu, the latest and
most-read news) on top of its own page. The editor's commit builds them instead, into
the shared cache, so a reader only ever builds its own page's fragments
(tests/test_query_counts.py).
"""

import logging

from news import selectors
from portal.context_processors import site_frame

logger = logging.getLogger(__name__)


def warm(**kwargs):
    try:
        site_frame()
        selectors.menu_categories()
        selectors.latest_articles()
        for days in selectors.MOST_READ_WINDOWS:
            selectors.most_read(days)
    except Exception:  # the change is saved: a reader will build what is missing
        logger.exception("could not build the shared pieces after a content change")
