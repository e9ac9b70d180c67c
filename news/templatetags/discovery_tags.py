"""Template helpers for discovery: the most-read lists, absolute URLs, article JSON-LD."""

import json

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.text import plain_text
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
    # Paragraphs keep a space between them ("…in Lachin. Staff…"): core.text.plain_text.
    text = lead or plain_text(article.text("body", language).text)
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
    # An article without a photo of its own shares the site's image (static/img/share.png).
    image = article.photo.url if article.photo else static("img/share.png")
    data["image"] = [request.build_absolute_uri(image)]
    return json_ld(data)


def _committee(request):
    return {
        "@type": "GovernmentOrganization",
        "@id": request.build_absolute_uri("/#organization"),
        "name": _("State Committee for Affairs of Refugees and Internally Displaced Persons"),
        "url": request.build_absolute_uri("/"),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static("img/emblem.svg")),
        },
        "image": request.build_absolute_uri(static("img/share.png")),
    }


@register.simple_tag(takes_context=True)
def site_json_ld(context):
    """schema.org WebSite (with its search) and the Committee, for the home page."""
    request = context["request"]
    home = request.build_absolute_uri(reverse("news:home"))
    search = request.build_absolute_uri(reverse("news:search"))
    committee = _committee(request)
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "WebSite",
                "@id": f"{home}#website",
                "url": home,
                "name": _("State Committee for Affairs of Refugees and IDPs"),
                "inLanguage": context.get("page_language") or "az",
                "publisher": {"@id": committee["@id"]},
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{query}}"},
                    "query-input": "required name=query",
                },
            },
            committee,
        ],
    }
    return json_ld(data)


@register.simple_tag(takes_context=True)
def breadcrumbs_json_ld(context, article):
    """schema.org BreadcrumbList for an article: home, its section, itself."""
    request = context["request"]
    language = context.get("shown_language") or article.original_language()
    trail = [
        (_("Home"), reverse("news:home")),
        (str(article.category.text("name")), article.category.get_absolute_url()),
        (str(article.text("title", language)), article.get_absolute_url(language)),
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(path),
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }
    return json_ld(data)
