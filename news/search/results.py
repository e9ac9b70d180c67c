"""How one search result is shown: the title and a snippet, with the words that match
marked. Search terms are spelling keys (core.text.search_text: "xankendi"), the texts
are not ("Xankəndidən", "Khankendi"). core.text.fold may change a text's length ("ß" →
"ss"), so the texts are searched in a copy folded letter for letter instead
("xankendiden"), and each word of it is compared by its spelling key: every match lies
where the word lies in the text itself.

A results page shows ten of these, so each is built in one pass of string work,
and its markup is written here rather than looked up field by field in a template.
"""

import functools
import html
import re
import unicodedata

from django.utils import timezone
from django.utils.safestring import mark_safe

from core.dates import format_local_date, time_attribute
from core.text import fold, spelling_key
from news.addresses import article_paths

SNIPPET_WORDS = 30
# How much of a body is folded and searched at a time (_first_match).
_PIECE = 400
_TAG = re.compile(r"<[^>]*>")


@functools.cache
def _letter_folding():
    """A str.translate table: each letter of the Latin-1 and Latin Extended-A blocks,
    and "ə" and "Ə", to the one letter core.text.fold makes of it ("İ" → "i"). A list
    up to "ə", not a dict: translating a body reads it once per letter, and indexing
    a list costs half as much; the letters past its end stay as they are."""
    table = list(range(0x25A))
    for code in [*range(0x41, 0x5B), *range(0xC0, 0x180), 0x18F, 0x259]:
        folded = fold(chr(code))
        if len(folded) == 1:
            table[code] = ord(folded)
    return table


# The letters of Azerbaijani that are not in English, lower-cased, and what core.text.fold
# makes of them.
_AZERBAIJANI_FOLDS = tuple(zip("əışçğöü", "eiscgou", strict=True))


def _searchable(text):
    """`text` folded letter for letter and in lower case, as long as `text`, so spans
    carry over. Letters the table leaves alone (Cyrillic, say) are lowered too, unless
    lowering changes the text's length.

    Most texts are English or Azerbaijani. For them a few str.replace calls (each a
    fast scan in C) do what translating does, at a third of the cost: str.translate
    looks up every letter of a text that is not all ASCII. A text still not ASCII
    after them (French, Cyrillic...) goes through the table whole.
    """
    if text.isascii():
        return text.lower()
    quick = text.replace("İ", "i").lower()
    for letter, folded in _AZERBAIJANI_FOLDS:
        quick = quick.replace(letter, folded)
    if quick.isascii():
        return quick
    return _translated(text)


def _translated(text):
    folded = text.translate(_letter_folding())
    lowered = folded.lower()
    return lowered if len(lowered) == len(folded) else folded


# A word: letters and digits.
_WORD = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=8192)
def _spelling(word):
    return spelling_key(word)


def _word_spans(searchable, terms, start=0):
    """(start, end) of each word in `searchable` from `start` on whose spelling key
    (core.text.spelling_key) starts with one of `terms`, in order. Terms are spelling
    keys ("xankendi"), so "Khankendi" and "Xankəndidən" are marked alike."""
    for match in _WORD.finditer(searchable, start):
        if _spelling(match.group()).startswith(terms):
            yield match.span()


def _matches(text, terms):
    """(start, end) of every word in `text` that starts with a term, in order."""
    return list(_word_spans(_searchable(text), tuple(terms)))


def _highlighted(text, terms):
    text = unicodedata.normalize("NFC", str(text or ""))
    out = []
    end = 0
    for start, stop in _matches(text, terms):
        out.append(html.escape(text[end:start]))
        out.append(f"<mark>{html.escape(text[start:stop])}</mark>")
        end = stop
    out.append(html.escape(text[end:]))
    return "".join(out)


def highlight(text, terms):
    """`text` escaped, with every word that starts with a search term wrapped in <mark>."""
    return mark_safe(_highlighted(text, terms))  # every piece is escaped


def _first_match(text, terms):
    """Where the first match in `text` starts, or None. The text is folded and searched
    a piece at a time, cut at white space, and most matches come before its end."""
    begin = 0
    while begin < len(text):
        end = text.find(" ", begin + _PIECE)
        end = len(text) if end == -1 else end
        # One letter more in front: whether a match starts a word depends on it.
        behind = 1 if begin else 0
        searchable = _searchable(text[begin - behind : end])
        found = next(_word_spans(searchable, tuple(terms), behind), None)
        if found is not None:
            return begin - behind + found[0]
        begin = end
    return None


def _excerpt_around_match(text, terms):
    """SNIPPET_WORDS words of `text`, a third of them before the first word holding a
    match; None when nothing matches. Only the words shown are split out: a body
    runs to thousands of characters, and a page cuts ten of them."""
    text = unicodedata.normalize("NFC", text)
    word_start = _first_match(text, terms)
    if word_start is None:
        return None
    # A match inside a word ("(Xankəndi") belongs to that word.
    while word_start and not text[word_start - 1].isspace():
        word_start -= 1
    wanted_before = SNIPPET_WORDS // 3
    before = text[:word_start].rsplit(None, wanted_before)
    more_before = len(before) > wanted_before
    if more_before:
        before = before[1:]
    wanted_after = SNIPPET_WORDS - len(before)
    after = text[word_start:].split(None, wanted_after)
    more_after = len(after) > wanted_after
    if more_after:
        after = after[:-1]
    excerpt = " ".join([*before, *after])
    prefix = "… " if more_before else ""
    suffix = " …" if more_after else ""
    return f"{prefix}{_highlighted(excerpt, terms)}{suffix}"


def _plain(body):
    """The text of a body. Bodies are sanitised HTML (core.sanitizer), so turning each
    tag into a space is enough (paragraphs stay apart); Django's strip_tags parses the
    HTML, at ten times the cost."""
    return html.unescape(_TAG.sub(" ", body))


def _snippet(article, terms, language):
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
    return html.escape(excerpt) + (" …" if len(words) > SNIPPET_WORDS else "")


def snippet(article, terms, language):
    """A short piece of the article's lead or body around the first match, highlighted."""
    return mark_safe(_snippet(article, terms, language))  # escaped as it was cut


# The title, the date and section, and the snippet, as templates/news/search.html
# lists them. The snippet is in the title's language: both come from the same version.
_HIT = (
    '<li class="search-result">\n'
    '    <h2 class="search-result__title"><a href="{url}"{lang}>{title}</a>{hint}</h2>\n'
    '    <p class="search-result__meta"><time datetime="{iso}">{date}</time> / '
    "<span{category_lang}>{category}</span> / "
    '<span class="search-result__language" lang="{language}">{language_name}</span></p>\n'
    '    <p class="search-result__snippet"{lang}>{snippet}</p>\n'
    "  </li>"
)


# Which language a result is in, each named in itself (as language menus do), so a
# reader knows before opening it; a search finds articles in either language.
LANGUAGE_NAMES = {"az": "Azərbaycanca", "en": "English"}


def list_items(articles, terms, language):
    """The results' list items, one after another, ready to print. A plain string:
    pages keep it in memory (news.search.views). Every piece is escaped here, in
    plain string work; Django's format_html escapes and marks each argument again."""
    zone = timezone.get_current_timezone()
    path = article_paths(language)
    return "\n  ".join(_list_item(article, terms, language, zone, path) for article in articles)


def _list_item(article, terms, language, zone, path):
    title = article.text("title", language)
    category = article.category.text("name", language)
    published = article.published_at.astimezone(zone)
    hint = f' <span class="fallback-hint">({html.escape(title.hint)})</span>' if title.hint else ""
    return _HIT.format(
        url=html.escape(path(article.pk, article.slug_for(language))),
        lang=title.lang_attr(),
        title=_highlighted(title, terms),
        hint=hint,
        iso=time_attribute(published),
        date=format_local_date(published, language),
        category_lang=category.lang_attr(),
        category=html.escape(category.text),
        snippet=_snippet(article, terms, language),
        language=title.language,
        language_name=LANGUAGE_NAMES.get(title.language, title.language),
    )
