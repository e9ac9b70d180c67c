"""Template helpers of the site's frame: what the main menu marks as current."""

import contextlib

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from core.caching import cached_locally
from core.i18n import current_language

register = template.Library()


def _menu_paths(pages):
    paths = {page.get_absolute_url() for page in pages}
    with contextlib.suppress(NoReverseMatch):
        paths.add(reverse("portal:appeal"))
    with contextlib.suppress(NoReverseMatch):
        paths.add(reverse("news:archive"))
    return paths


def menu_key(category_id=None, all_news=False, path=""):
    """The main menu fragment's key: the section, "All news" or menu page it marks as
    current. menu_key() is that of the pages that mark none (portal.warmup builds it)."""
    return ":".join([str(category_id or ""), "all" if all_news else "", path])


@register.simple_tag(takes_context=True)
def menu_state(context):
    """What the main menu marks as current on this page, as a key for its fragment:
    the listing's section, "All news", or the path of a menu page (base.html)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    category = context.get("category")
    path = getattr(request, "path", "")
    paths = cached_locally(
        f"menu_paths:{current_language()}",
        lambda: _menu_paths(context.get("menu_pages") or []),
    )
    return menu_key(
        getattr(category, "pk", None),
        match is not None and match.url_name == "all",
        path if path in paths else "",
    )


@register.simple_tag(takes_context=True)
def x_default_url(context):
    """The page for readers of any other language (hreflang="x-default"): the
    Azerbaijani one, or the only language a page exists in. A URL that answers 200,
    as the sitemap gives it (portal.sitemaps)."""
    alternates = dict(context.get("alternates") or [])
    return alternates.get(settings.LANGUAGE_CODE) or next(iter(alternates.values()), "")
