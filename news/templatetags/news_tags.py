"""Template helpers for language-aware text, dates and numbers."""

from html import escape

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from core import i18n
from core.caching import cached_locally
from core.dates import format_date, format_local_date, format_month, time_attribute
from core.text import plain_text
from news.templatetags.pictures import picture_html

register = template.Library()


@register.simple_tag(takes_context=True)
def tr(context, obj, field):
    """`{% tr article "title" as title %}`: the text and the language it is in."""
    return obj.text(field) if hasattr(obj, "text") else i18n.localized(obj, field)


@register.simple_tag
def shown_text(text, element="span", css_class=""):
    """Render a LocalizedText in `element`, with `lang` and a visible hint when it falls back."""
    if not text.is_fallback:
        if css_class:
            return format_html('<{0} class="{1}">{2}</{0}>', element, css_class, text.text)
        return format_html("<{0}>{1}</{0}>", element, text.text)
    return format_html(
        '<{0} class="{1}" lang="{2}">{3}</{0}> <span class="fallback-hint">({4})</span>',
        element,
        css_class,
        text.language,
        text.text,
        text.hint,
    )


@register.filter
def local_date(value):
    return format_date(value, i18n.current_language())


@register.simple_tag
def local_month(year, month):
    return format_month(year, month, i18n.current_language())


@register.filter
def grouped(number):
    """Digits grouped the language's way: "2 629" in az (no-break space), "2,629" in en."""
    return intcomma(number, use_l10n=True)


@register.simple_tag(takes_context=True)
def alternate_url(context, language):
    """This page in `language`, or that language's home page."""
    for code, url in context.get("alternates") or []:
        if code == language:
            return url
    return f"/{language}/"


@register.simple_tag
def in_page_language(obj, field):
    """`obj.<field>` in the page's language, else as texts fall back: for what the site
    says to its reader (a withdrawal's reason), not what the article says."""
    return i18n.localized(obj, field)


@register.filter(name="plain_text")
def plain_text_filter(markup):
    """Sanitised HTML as plain text, paragraphs apart (core.text.plain_text)."""
    return plain_text(markup)


# One article's line in a date list (latest news, most read, related news), as
# templates/includes/… would write it. Written in plain string work, every piece escaped
# here: a page after an edit renders a few dozen of them, and the template engine spent
# about 0.3 ms on each.
_LINE = (
    '<li class="date-line">\n'
    '  <time datetime="{iso}">{date}</time>\n'
    '  <span class="date-line__sep" aria-hidden="true">/</span>\n'
    '  <span class="date-line__category"{category_lang}>{category}</span>\n'
    '  <a href="{url}"{title_lang}>{title}</a>{hint}\n'
    "</li>"
)


def _line(article):
    category = tr(None, article.category, "name")
    return _LINE.format(
        category_lang=category.lang_attr(),
        category=escape(category.text),
        **_common(article),
    )


@register.simple_tag
def article_line(article):
    """`{% article_line item %}`: the item's <li> in a date list, kept per content version
    and language in this worker's memory (core.caching)."""
    key = f"html:line:{i18n.current_language()}:{article.pk}"
    return mark_safe(cached_locally(key, lambda: _line(article)))  # escaped in _line


# An article's item in a listing (a section, all news, a topic, a month of the archive)
# and its card on the home page, as templates/includes/… would write them; see _LINE.
_ROW = (
    '<li class="listing-item">\n'
    "  {picture}\n"
    '  <div class="listing-item__text">\n'
    '    <h2 class="listing-item__title"><a href="{url}"{title_lang}>{title}</a>{hint}</h2>\n'
    '    <p class="listing-item__meta"><time datetime="{iso}">{date}</time>{category}</p>\n'
    "    {lead}\n"
    "  </div>\n"
    "</li>"
)
_CARD = (
    '<li class="card">\n'
    "  {picture}\n"
    '  <p class="card__meta"><time datetime="{iso}">{date}</time> / '
    '<a href="{category_url}"{category_lang}>{category}</a></p>\n'
    '  <h2 class="card__title"><a href="{url}"{title_lang}>{title}</a>{hint}</h2>\n'
    "</li>"
)
LEAD_WORDS = 40


def _common(article):
    """The pieces a row and a card share: title, address, date."""
    title = tr(None, article, "title")
    published = timezone.localtime(article.published_at)
    return {
        "url": escape(article.get_absolute_url()),
        "title_lang": title.lang_attr(),
        "title": escape(title.text),
        "hint": (
            f' <span class="fallback-hint">({escape(title.hint)})</span>'
            if title.is_fallback
            else ""
        ),
        "iso": time_attribute(published),
        "date": format_local_date(published, i18n.current_language()),
    }


def _photo(article, **options):
    if not article.photo:
        return ""
    return picture_html(
        article.photo,
        article.photo_renditions,
        width=article.photo_width,
        height=article.photo_height,
        lazy=True,
        **options,
    )


def _row(article, hide_category):
    category = ""
    if not hide_category:
        name = tr(None, article.category, "name")
        url = escape(article.category.get_absolute_url())
        category = (
            f' <span aria-hidden="true">/</span> <a href="{url}"'
            f"{name.lang_attr()}>{escape(name.text)}</a>"
        )
    lead = tr(None, article, "lead")
    lead_html = (
        f'<p class="listing-item__lead"{lead.lang_attr()}>'
        f"{escape(Truncator(lead.text).words(LEAD_WORDS, truncate=' …'))}</p>"
        if lead
        else ""
    )
    return _ROW.format(
        picture=_photo(article, max_width=320, sizes="8rem", css_class="listing-item__photo"),
        category=category,
        lead=lead_html,
        **_common(article),
    )


def _card(article):
    name = tr(None, article.category, "name")
    photo = _photo(
        article, max_width=640, sizes="(min-width: 40em) 20rem, 100vw", css_class="card__photo"
    )
    return _CARD.format(
        picture=photo or '<span class="card__photo card__photo--none"></span>',
        category_url=escape(article.category.get_absolute_url()),
        category_lang=name.lang_attr(),
        category=escape(name.text),
        **_common(article),
    )


@register.simple_tag
def article_row(article, hide_category=None):
    """`{% article_row article hide_category %}`: the article's <li> in a listing; the
    section is left out on that section's own listing."""
    return mark_safe(_row(article, hide_category))  # escaped in _row


@register.simple_tag
def article_card(article):
    """`{% article_card article %}`: the article's <li> among the home page's cards."""
    return mark_safe(_card(article))  # escaped in _card
