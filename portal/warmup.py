"""What every page shares, built when a content change commits, not by a reader.

Every cached piece is keyed by the content version (core.caching), so a change makes all
of them miss at once. Without this the first reader after every change would build the
shared ones (site settings and static pages, the category menu, the latest and
most-read news, and the HTML of the latest-news block and the footer) on top of its own
page. The editor's commit builds them instead, into the shared cache, so a reader only
ever builds its own page's fragments (tests/test_query_counts.py, tests/test_warmup.py).
"""

import logging

from django.template.loader import render_to_string
from django.utils import translation

from core.caching import cached
from core.i18n import LANGUAGE_CODES
from core.templatetags.fragment_cache import fragment_key
from news import search, selectors
from news.templatetags.discovery_tags import local_today
from portal.context_processors import frame_context, site_frame
from portal.templatetags.site_frame import menu_key

logger = logging.getLogger(__name__)

# The shared (not `local`) fragments of the frame (templates/base.html, news/home.html)
# whose content is the frame's alone: (name, template, the fragment's ttl or None, what
# else its key holds). They must be rendered as the page renders them, under the same
# key and for as long (tests/test_warmup.py).
FRAME_FRAGMENTS = (
    ("latest_news", "includes/latest_news.html", None, lambda: ()),
    ("footer", "includes/footer.html", 3600, lambda: ()),
    ("most_read", "includes/most_read.html", 60, lambda: (local_today(),)),
    # The menu of pages that mark no item as current (home, articles, search).
    ("main_nav", "includes/main_nav.html", None, lambda: (menu_key(),)),
)


def frame_fragment_keys(language):
    """(cache name, template, ttl) of each frame fragment in `language`, as of now."""
    return [
        (fragment_key(name, language, *values()), template, ttl)
        for name, template, ttl, values in FRAME_FRAGMENTS
    ]


def warm(**kwargs):
    try:
        site_frame()
        selectors.menu_categories()
        selectors.latest_articles()
        for days in selectors.MOST_READ_WINDOWS:
            selectors.most_read(days)
        search.warm()
        for language in LANGUAGE_CODES:
            with translation.override(language):
                _render_frame(language)
    except Exception:  # the change is saved: a reader will build what is missing
        logger.exception("could not build the shared pieces after a content change")


def _render_frame(language):
    context = frame_context(language)
    for key, template, ttl in frame_fragment_keys(language):
        cached(
            key,
            lambda template=template: render_to_string(template, context),
            **({"timeout": ttl} if ttl else {}),
        )
