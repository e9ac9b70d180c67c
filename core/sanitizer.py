"""The one place editor HTML is cleaned: an nh3 allow-list applied on save."""

import re

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "img",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
# Office documents paste conditional comments, <o:p> tags and mso-* styles; nh3
# drops tags and styles, these are the leftovers it would keep as text.
_OFFICE_JUNK = re.compile(r"<!--\[if.*?<!\[endif\]-->|<o:p>\s*</o:p>", re.DOTALL | re.IGNORECASE)
_EMPTY_PARAGRAPH = re.compile(r"<p>(\s|&nbsp;|\xa0|<br>)*</p>")


def _filter_attribute(tag, attribute, value):
    # Images only from our own media; no data: or remote trackers in bodies.
    if tag == "img" and attribute == "src" and not value.startswith("/media/"):
        return None
    return value


def sanitize_html(html):
    if not html or not html.strip():
        return ""
    html = _OFFICE_JUNK.sub("", html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_filter_attribute,
    )
    return _EMPTY_PARAGRAPH.sub("", cleaned).strip()
