"""Quality checks of a translation before it is saved, field by field.

Three levels. Lost markup blocks a save (the body would lose its bold, links or list
items), and so does a text over the field's length (it would be cut). A required glossary
term left out is a warning the translator confirms with a reason (kept in the revision).
Numbers and dates, link addresses and an untranslated copy of the source are notices:
shown, never in the way.
"""

import re
from collections import Counter
from dataclasses import dataclass
from html import unescape

from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import dates
from core.sanitizer import sanitize_html
from translators import glossary
from translators.fingerprints import is_blank, normalise
from translators.inline import parse_html

# Markup whose loss loses content or meaning; paragraphs may be merged or split freely.
KEPT_TAGS = {
    "strong": gettext_lazy("bold"),
    "b": gettext_lazy("bold"),
    "em": gettext_lazy("italic"),
    "i": gettext_lazy("italic"),
    "u": gettext_lazy("underline"),
    "s": gettext_lazy("strike-through"),
    "sub": gettext_lazy("subscript"),
    "sup": gettext_lazy("superscript"),
    "a": gettext_lazy("link"),
    "br": gettext_lazy("line break"),
    "img": gettext_lazy("image"),
    "li": gettext_lazy("list item"),
    "h2": gettext_lazy("heading"),
    "h3": gettext_lazy("heading"),
    "h4": gettext_lazy("heading"),
    "blockquote": gettext_lazy("quotation"),
    "table": gettext_lazy("table"),
    "hr": gettext_lazy("rule"),
}
_NUMBER = re.compile(r"\d{1,3}(?:[ .,\u00a0\u202f]\d{3})+(?!\d)|\d+")
_URL = re.compile(r"https?://[^\s<>\"']+")
# Month names as they appear in running text, compared in lower case.
MONTHS = {code: [name.lower() for name in names] for code, names in dates.MONTHS.items()}


BLOCKING = "blocking"
CONFIRM = "confirm"
NOTICE = "notice"


@dataclass
class Finding:
    code: str
    message: str
    level: str = NOTICE

    @property
    def blocking(self):
        return self.level == BLOCKING

    @property
    def needs_reason(self):
        return self.level == CONFIRM


def _text(value, rich):
    return normalise(unescape(strip_tags(re.sub(r"<", " <", value)))) if rich else normalise(value)


def numbers(text):
    return Counter(re.sub(r"[ .,\u00a0\u202f]", "", found) for found in _NUMBER.findall(text))


def months(text, language):
    words = re.findall(r"\w+", (text or "").lower())
    names = MONTHS.get(language, [])
    return Counter(
        number for number, name in enumerate(names, 1) for word in words if word.startswith(name)
    )


def tags(html):
    counted = Counter()

    def walk(node):
        for child in node.children:
            if isinstance(child, str):
                continue
            if child.tag in KEPT_TAGS:
                counted[str(KEPT_TAGS[child.tag])] += 1
            walk(child)

    walk(parse_html(html))
    return counted


def links(value, rich):
    if not rich:
        return set(_URL.findall(value))
    found = set()

    def walk(node):
        for child in node.children:
            if isinstance(child, str):
                continue
            if child.tag == "a":
                found.update(value for name, value in child.attrs if name == "href" and value)
            walk(child)

    walk(parse_html(value))
    return found


def check_field(source, target, *, rich, languages, limit=None, terms=()):
    """Findings for one field's translation; an empty target has none (it is missing)."""
    source_language, target_language = languages
    if is_blank(target) or is_blank(source):
        return []
    if rich:
        target = sanitize_html(target)
    findings = []
    if rich:
        lost = tags(source) - tags(target)
        if lost:
            findings.append(
                Finding(
                    "markup",
                    _("Markup of the original is missing: %(what)s.")
                    % {
                        "what": ", ".join(
                            f"{name} ×{count}" for name, count in sorted(lost.items())
                        )
                    },
                    level=BLOCKING,
                )
            )
    source_text, target_text = _text(source, rich), _text(target, rich)
    gone = numbers(source_text) - numbers(target_text)
    if gone:
        findings.append(
            Finding(
                "numbers",
                _("Numbers of the original are missing: %(numbers)s.")
                % {"numbers": ", ".join(sorted(gone.elements()))},
            )
        )
    source_months = months(source_text, source_language)
    target_months = months(target_text, target_language)
    if source_months - target_months:
        findings.append(
            Finding("dates", _("A month named in the original is not in the translation."))
        )
    lost_links = links(source, rich) - links(target, rich)
    if lost_links:
        findings.append(
            Finding(
                "links",
                _("Link addresses of the original are missing: %(links)s.")
                % {"links": ", ".join(sorted(lost_links))},
            )
        )
    if len(source_text.split()) > 1 and source_text.casefold() == target_text.casefold():
        findings.append(Finding("untranslated", _("The translation is a copy of the original.")))
    if limit and len(target_text if not rich else target) > limit:
        findings.append(
            Finding(
                "length",
                _("The translation is longer than %(limit)s characters.") % {"limit": limit},
                level=BLOCKING,
            )
        )
    for entry in glossary.missing(
        source_text, target_text, source_language, target_language, terms
    ):
        findings.append(
            Finding(
                "glossary",
                _("Glossary: “%(term)s” should be translated as “%(translation)s”.")
                % {"term": entry.term(source_language), "translation": entry.term(target_language)},
                level=CONFIRM,
            )
        )
    return findings
