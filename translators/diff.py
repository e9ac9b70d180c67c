"""What changed in a source text since it was translated, word by word, as safe HTML.

Paragraphs stay paragraphs: the end of a block (a paragraph, a heading, a list item, a
line break) is a token of its own, so the diff of a body reads as the body does.
"""

import difflib
import re
from html import unescape

from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

BREAK = "\n"
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|figcaption|td|th|tr)\s*>|<br\s*/?>", re.I)


def words(text):
    """The words of `text`, with BREAK where a block ends (never two in a row)."""
    marked = _BLOCK_END.sub(f" {BREAK} ", text or "")
    # Tags become spaces first, so "</strong>word" still separates the words around it.
    plain = unescape(strip_tags(re.sub(r"<", " <", marked)))
    tokens = []
    for line_number, line in enumerate(plain.split(BREAK)):
        line_words = line.split()
        if line_number and tokens and tokens[-1] != BREAK:
            tokens.append(BREAK)
        tokens += line_words
    while tokens and tokens[-1] == BREAK:
        tokens.pop()
    return tokens


def _paragraphs(pieces):
    """[(kind, words)] runs → <p> per paragraph, <del>/<ins> around changed words."""
    paragraphs, current = [], []
    for kind, run in pieces:
        line = []
        for token in run:
            if token != BREAK:
                line.append(token)
                continue
            if kind == "del":
                continue  # a removed paragraph break: the two paragraphs are one now
            if line:
                current.append((kind, line))
                line = []
            paragraphs.append(current)
            current = []
        if line:
            current.append((kind, line))
    paragraphs.append(current)
    html = []
    for paragraph in paragraphs:
        if not paragraph:
            continue
        parts = []
        for kind, line in paragraph:
            words_text = " ".join(line)
            if kind == "equal":
                parts.append(format_html("{}", words_text))
            else:
                parts.append(format_html("<{}>{}</{}>", kind, words_text, kind))
        html.append(format_html("<p>{}</p>", mark_safe(" ".join(parts))))
    return mark_safe("".join(html))


def word_diff(old, new):
    """The new text's words with insertions in <ins> and removals in <del> (all escaped),
    one <p> per paragraph of the new text."""
    before, after = words(old), words(new)
    pieces = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for operation, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if operation == "equal":
            pieces.append(("equal", after[b_start:b_end]))
            continue
        if a_end > a_start:
            pieces.append(("del", before[a_start:a_end]))
        if b_end > b_start:
            pieces.append(("ins", after[b_start:b_end]))
    return _paragraphs(pieces)
