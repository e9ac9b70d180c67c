"""Template helpers for discovery: the most-read lists, absolute URLs, article JSON-LD."""

import json

from django import template
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from news import selectors

register = template.Library()

# The characters that could end a <script> element or start markup, as JSON escapes:
# the same set Django's json_script uses, so no text can close the element early.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
OG_LOCALES = {"az": "az_AZ", "en": "en_GB"}


@register.simple_tag
def most_read_lists():
    """[(days, articles)] for each most-read window, from the short-lived cache."""
    return [(days, selectors.most_read(days)) for days in selectors.MOST_READ_WINDOWS]


@register.simple_tag
def local_today():
    """Today's date in the site's time zone, as a cache key: {% now %} formats it
    through the localised date machinery, at ten times the cost."""
    return timezone.localdate().isoformat()


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    request = context.get("request")
    if request is None or not path:
        return path or ""
    return request.build_absolute_uri(path)


@register.simple_tag
def og_locale(language):
    return OG_LOCALES.get(language, language)


@register.simple_tag
def plain_summary(article, language=None, length=200):
    """The lead, or the start of the body, as plain text for meta descriptions."""
    lead = str(article.text("lead", language))
    text = lead or strip_tags(article.text("body", language).text)
    return Truncator(" ".join(text.split())).chars(length)


def json_ld(data):
    """`data` as a JSON-LD data block that no text inside it can break out of."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(text)
    )  # escaped above


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    """schema.org NewsArticle for an article page, with absolute URLs."""
    request = context["request"]
    language = context.get("shown_language") or article.original_language()
    url = request.build_absolute_uri(article.get_absolute_url(language))
    publisher = {
        "@type": "GovernmentOrganization",
        "name": _("State Committee for Affairs of Refugees and Internally Displaced Persons"),
        "url": request.build_absolute_uri("/"),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static("img/emblem.svg")),
        },
    }
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": Truncator(str(article.text("title", language))).chars(110),
        "description": plain_summary(article, language),
        "inLanguage": language,
        "datePublished": article.published_at.isoformat(),
        "dateModified": max(article.updated_at, article.published_at).isoformat(),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "articleSection": str(article.category.text("name")),
        "author": publisher,
        "publisher": publisher,
    }
    if article.photo:
        data["image"] = [request.build_absolute_uri(article.photo.url)]
    return json_ld(data)
