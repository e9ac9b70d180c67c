"""The glossary: which terms a source text uses, and whether a translation kept them.

A term matches at the start of a word and may go on (Azerbaijani adds suffixes:
"Xankəndidə", "Laçına"), compared in lower case by Azerbaijani rules.
"""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from core.text import az_lower
from translators.models import GlossaryTerm


def terms():
    return list(GlossaryTerm.objects.all())


def _pattern(term):
    return re.compile(r"(?<!\w)" + re.escape(az_lower(term.strip())))


def occurs(term, text):
    return bool(term.strip()) and _pattern(term).search(az_lower(text or "")) is not None


def used_in(source, source_language, target_language, glossary):
    """The glossary entries whose source-language term occurs in `source`."""
    return [
        entry
        for entry in glossary
        if entry.term(target_language) and occurs(entry.term(source_language), source)
    ]


def missing(source, target, source_language, target_language, glossary):
    """Required entries used in the source whose translation the target leaves out."""
    return [
        entry
        for entry in used_in(source, source_language, target_language, glossary)
        if entry.required and not occurs(entry.term(target_language), target)
    ]


def highlight(text, entries, language):
    """Plain `text`, escaped, with each entry's term in <mark>."""
    lowered = az_lower(text or "")
    if len(lowered) != len(text or ""):
        return escape(text)
    spans = []
    for entry in entries:
        for match in _pattern(entry.term(language)).finditer(lowered):
            spans.append((match.start(), match.end()))
    out, position = [], 0
    for start, end in sorted(spans):
        if start < position:
            continue
        out.append(escape(text[position:start]))
        out.append(format_html("<mark>{}</mark>", text[start:end]))
        position = end
    out.append(escape(text[position:]))
    return mark_safe("".join(str(part) for part in out))
