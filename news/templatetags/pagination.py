"""`{% pagination page_obj extra_query %}`: the page links under a list.

Written in Python rather than as an included template: every page number is a
translated link, and a results page nobody asked for before (a new search) renders
its links afresh, where the template loop cost a tenth of the page's CPU.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def pagination(page_obj, extra_query=""):
    """Links to the previous and next page and to each page number, with the current
    page marked and long ranges elided. `extra_query` ("q=...&") leads every link's
    query string. Nothing for a single page."""
    paginator = page_obj.paginator
    if paginator.num_pages <= 1:
        return ""
    query = escape(extra_query)
    items = []
    if page_obj.has_previous():
        items.append(
            f'<li><a href="?{query}page={page_obj.previous_page_number()}" rel="prev">'
            f"{escape(gettext('Previous'))}</a></li>"
        )
    for number in paginator.get_elided_page_range(page_obj.number):
        if not isinstance(number, int):  # the ellipsis, a lazy translation
            items.append('<li><span aria-hidden="true">…</span></li>')
        elif number == page_obj.number:
            items.append(f'<li><span aria-current="page">{number}</span></li>')
        else:
            # The translation is markup: "<span class="visually-hidden">Page</span> 3".
            label = gettext('<span class="visually-hidden">Page</span> %(number)s') % {
                "number": number
            }
            items.append(f'<li><a href="?{query}page={number}">{label}</a></li>')
    if page_obj.has_next():
        items.append(
            f'<li><a href="?{query}page={page_obj.next_page_number()}" rel="next">'
            f"{escape(gettext('Next'))}</a></li>"
        )
    links = "\n    ".join(items)
    return mark_safe(  # every piece above is escaped or our own markup
        f'<nav class="pagination" aria-label="{escape(gettext("Pages"))}">\n'
        f"  <ul>\n    {links}\n  </ul>\n</nav>"
    )
