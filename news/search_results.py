"""How one search result is shown: the title and a snippet, with the words that match
marked. Search terms are folded (news.text.fold: "xankendi"), the texts are not
("Xankəndidən"), so each term becomes a pattern that matches every spelling folding
to it, and the texts are searched as they are, without folding them word by word.

A results page shows twenty of these, so each is built in one pass of string work,
and its markup is written here rather than looked up field by field in a template.
"""

import functools
import html
import re
import unicodedata

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from news.dates import format_date
from news.text import fold

SNIPPET_WORDS = 30
_TAG = re.compile(r"<[^>]*>")
# Where a word, or a part of one, begins: not after a letter or digit.
_WORD_START = r"(?<![^\W_])"


@functools.cache
def _spellings():
    """The lower-case letters of the Latin-1 and Latin Extended-A blocks, and "ə", by
    the letter each folds to: "e" → "eèéêëēĕėęěə". Patterns match case-insensitively,
    so capitals ("Ə", "İ") are matched through these."""
    found = {}
    for code in [*range(0x30, 0x7B), *range(0xDF, 0x180), 0x259]:
        letter = chr(code)
        folded = fold(letter)
        if len(folded) == 1 and letter == letter.lower():
            found.setdefault(folded, set()).add(letter)
    return {key: "".join(sorted(letters)) for key, letters in found.items()}


def _term_pattern(term):
    spellings = _spellings()
    parts = []
    for letter in term:
        variants = spellings.get(letter, letter)
        parts.append(f"[{re.escape(variants)}]" if len(variants) > 1 else re.escape(letter))
    return "".join(parts)


@functools.lru_cache(maxsize=4096)
def _word_pattern(term):
    """Words (or parts of words) starting with `term`, whole. Kept per term: news
    vocabulary repeats, and compiling the pattern costs more than using it."""
    return re.compile(rf"{_WORD_START}{_term_pattern(term)}[^\W_]*", re.IGNORECASE)


def _matches(text, terms):
    """(start, end) of every word in `text` that starts with a term, in order. Two
    terms that match one word match all of it, so the spans never overlap."""
    return sorted({match.span() for term in terms for match in _word_pattern(term).finditer(text)})


def highlight(text, terms):
    """`text` escaped, with every word that starts with a search term wrapped in <mark>."""
    text = unicodedata.normalize("NFC", str(text or ""))
    out = []
    end = 0
    for start, stop in _matches(text, terms):
        out.append(html.escape(text[end:start]))
        out.append(f"<mark>{html.escape(text[start:stop])}</mark>")
        end = stop
    out.append(html.escape(text[end:]))
    return mark_safe("".join(out))  # every piece was escaped above


def _excerpt_around_match(text, terms):
    text = unicodedata.normalize("NFC", text)
    starts = [found.start() for term in terms if (found := _word_pattern(term).search(text))]
    if not starts:
        return None
    first = min(starts)
    before = text[:first].split()
    # A match inside a word ("(Xankəndi") belongs to that word, not the next one.
    position = len(before) - (1 if before and not text[first - 1].isspace() else 0)
    words = text.split()
    start = max(0, position - SNIPPET_WORDS // 3)
    excerpt = " ".join(words[start : start + SNIPPET_WORDS])
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_WORDS < len(words) else ""
    return mark_safe(f"{prefix}{highlight(excerpt, terms)}{suffix}")


def _plain(body):
    """The text of a body. Bodies are sanitised HTML (news.sanitizer), so dropping
    the tags is enough; Django's strip_tags parses the HTML, at ten times the cost."""
    return html.unescape(_TAG.sub("", body))


def snippet(article, terms, language):
    """A short piece of the article's lead or body around the first match, highlighted."""
    lead = str(article.text("lead", language))
    found = _excerpt_around_match(lead, terms)
    if found is not None:
        return found
    body = _plain(article.text("body", language).text)
    found = _excerpt_around_match(body, terms)
    if found is not None:
        return found
    words = (lead or body).split()
    excerpt = " ".join(words[:SNIPPET_WORDS])
    return mark_safe(html.escape(excerpt) + (" …" if len(words) > SNIPPET_WORDS else ""))


# The title, the date and section, and the snippet, as templates/news/search.html
# lists them. The snippet is in the title's language: both come from the same version.
_HIT = (
    '<li class="search-result">\n'
    '    <h2 class="search-result__title"><a href="{url}"{lang}>{title}</a>{hint}</h2>\n'
    '    <p class="search-result__meta"><time datetime="{iso}">{date}</time> / '
    "<span{category_lang}>{category}</span></p>\n"
    '    <p class="search-result__snippet"{lang}>{snippet}</p>\n'
    "  </li>"
)


def list_item(article, terms, language):
    """One result's list item, ready to print."""
    title = article.text("title", language)
    category = article.category.text("name", language)
    published = timezone.localtime(article.published_at)
    hint = format_html(' <span class="fallback-hint">({})</span>', title.hint) if title.hint else ""
    return format_html(
        _HIT,
        url=article.get_absolute_url(language),
        lang=title.lang_attr(),
        title=highlight(title, terms),
        hint=hint,
        iso=published.strftime("%Y-%m-%dT%H:%M:%S%z"),
        date=format_date(published, language),
        category_lang=category.lang_attr(),
        category=category.text,
        snippet=snippet(article, terms, language),
    )
