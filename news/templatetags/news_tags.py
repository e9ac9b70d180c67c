"""Template helpers for language-aware text, dates and numbers."""

from html import escape

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core import i18n
from core.caching import cached_locally
from core.dates import format_date, format_local_date, format_month
from core.text import plain_text

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
    title = tr(None, article, "title")
    category = tr(None, article.category, "name")
    published = timezone.localtime(article.published_at)
    hint = (
        f' <span class="fallback-hint">({escape(title.hint)})</span>' if title.is_fallback else ""
    )
    return _LINE.format(
        iso=published.strftime("%Y-%m-%dT%H:%M:%S%z"),
        date=format_local_date(published, i18n.current_language()),
        category_lang=category.lang_attr(),
        category=escape(category.text),
        url=escape(article.get_absolute_url()),
        title_lang=title.lang_attr(),
        title=escape(title.text),
        hint=hint,
    )


@register.simple_tag
def article_line(article):
    """`{% article_line item %}`: the item's <li> in a date list, kept per content version
    and language in this worker's memory (core.caching)."""
    key = f"html:line:{i18n.current_language()}:{article.pk}"
    return mark_safe(cached_locally(key, lambda: _line(article)))  # escaped in _line
