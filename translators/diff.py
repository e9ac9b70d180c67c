"""What changed in a source text since it was translated, word by word, as safe HTML."""

import difflib
import re
from html import unescape

from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.safestring import mark_safe


def words(text):
    # Tags become spaces first, so "</p><p>" still separates the words around it.
    return unescape(strip_tags(re.sub(r"<", " <", text or ""))).split()


def word_diff(old, new):
    """The new text's words with insertions in <ins> and removals in <del> (all escaped)."""
    before, after = words(old), words(new)
    parts = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for operation, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if operation == "equal":
            parts.append(format_html("{}", " ".join(after[b_start:b_end])))
            continue
        if a_end > a_start:
            parts.append(format_html("<del>{}</del>", " ".join(before[a_start:a_end])))
        if b_end > b_start:
            parts.append(format_html("<ins>{}</ins>", " ".join(after[b_start:b_end])))
    return format_html_join(mark_safe(" "), "{}", ((part,) for part in parts))
