"""Word-level differences of stored text, markup included, as escaped HTML.

The conflict page and the revision comparison show the same kind of difference: a tag
counts as a word, so a removed link or bold shows as a change.
"""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

# Words, runs of white space and whole HTML tags are the units a body diff works on.
_TOKENS = re.compile(r"<[^>]*>|\s+|[^\s<]+")


def word_diff(old, new):
    """Word-level difference as HTML: <del> and <ins> around changed words, all escaped."""
    old_tokens, new_tokens = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    parts = []
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(escape("".join(old_tokens[a0:a1])))
            continue
        if tag in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(old_tokens[a0:a1]))}</del>")
        if tag in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(new_tokens[b0:b1]))}</ins>")
    return mark_safe("".join(parts))
