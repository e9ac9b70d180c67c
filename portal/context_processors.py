"""What every page's frame needs: settings with the quote banner, menus, languages."""

from django.conf import settings
from django.core.exceptions import DisallowedHost

from core.caching import cached
from core.i18n import current_language
from news import selectors
from portal.models import SiteSettings, StaticPage


def _site_frame():
    return {
        "settings": SiteSettings.load(),
        "pages": list(StaticPage.objects.filter(is_published=True, show_in_menu=True)),
    }


def site_frame():
    """Site settings and the menu's static pages, cached per content version."""
    return cached("site_frame", _site_frame)


def _origin(request):
    """The scheme and host this page was asked for, for absolute links in its head."""
    try:
        return f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return ""


def frame_context(language):
    """What the frame shows in `language` that no request changes: portal.warmup renders
    the shared fragments (latest news, footer) from it too."""
    frame = site_frame()
    return {
        "site_settings": frame["settings"],
        "menu_pages": frame["pages"],
        "menu_categories": selectors.menu_categories(),
        "latest_articles": selectors.latest_articles(),
        "page_language": language,
        "other_languages": [code for code, _name in settings.LANGUAGES if code != language],
    }


def site(request):
    # The admin has its own frame; it needs none of this.
    if request.path.startswith("/admin/"):
        return {}
    # Once a page: the head's canonical and alternate links each needed it.
    return {**frame_context(current_language()), "origin": _origin(request)}
