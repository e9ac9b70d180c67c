"""Azerbaijani-aware text helpers: case rules, transliterated slugs, folded search text."""

import html
import re
import unicodedata

from django.utils.text import slugify

# Azerbaijani letters that NFKD cannot reduce to ASCII by itself.
_TRANSLITERATION = str.maketrans(
    {
        "ə": "e",
        "Ə": "E",
        "ı": "i",
        "I": "I",
        "İ": "I",
        "ş": "s",
        "Ş": "S",
        "ç": "c",
        "Ç": "C",
        "ğ": "g",
        "Ğ": "G",
        "ö": "o",
        "Ö": "O",
        "ü": "u",
        "Ü": "U",
    }
)


def az_lower(text):
    """Lower-case by Azerbaijani rules: "İ" → "i" and "I" → "ı" (Python's lower() leaves "i̇")."""
    return text.replace("İ", "i").replace("I", "ı").lower()


def transliterate(text):
    """Azerbaijani (and any accented Latin) text reduced to plain ASCII letters."""
    text = unicodedata.normalize("NFC", text).translate(_TRANSLITERATION)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slugify_az(text, max_length=200):
    """A URL slug that keeps Azerbaijani words readable: "Xankəndi" → "xankendi"."""
    slug = slugify(transliterate(text or ""))
    return slug[:max_length].strip("-")


# C0 controls but tab, line feed and carriage return; DEL; C1 controls. Never shown
# anywhere: HTML forbids them, and a NUL breaks PostgreSQL's text and the page's title.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_controls(text):
    """`text` without its control characters; tab and newlines are kept.

    A NUL or another control character in a query would otherwise be echoed raw into the
    page (its title, the search box): "a", NUL, "b", U+0001, "c" becomes "abc".
    """
    return _CONTROL.sub("", text or "")


_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def fold(text):
    """Search form of a text: lower case, no diacritics, Azerbaijani letters to ASCII.

    "XANKƏNDİ", "Xankəndi" and "xankendi" all fold to "xankendi".
    """
    text = transliterate(az_lower(text or "")).lower()
    return _NON_WORD.sub(" ", text).strip()


# Spellings of one sound: Azerbaijani Latin, English spelling and ASCII transliteration.
# Applied to folded text (fold() has already made "ş" "s", "ç" "c", "ğ" "g", "ə" "e"), on
# the index side (news.models.Article search documents) and the query side alike, so
# "Şuşa", "Shusha" and "susa" are one word. docs/search.md keeps this table.
SPELLING_DIGRAPHS = (
    ("kh", "x"),  # Khankendi / Xankəndi
    ("sh", "s"),  # Shusha / Şuşa
    ("ch", "c"),  # Lachin / Laçın
    ("gh", "g"),  # Aghdam / Ağdam
    ("zh", "j"),  # Zhurnal / Jurnal
)
SPELLING_LETTERS = str.maketrans({"j": "c"})  # Jabrayil / Cəbrayıl, Ganja / Gəncə
# Names whose English spelling differs from the Azerbaijani beyond the letters above
# ("ə" written "a", "q" written "g" or "k", "ı" written "y"): folded English → folded
# Azerbaijani, before the letter rules. A name missing here still finds its own
# language's articles; add it when readers need it.
SPELLING_NAMES = {
    "aghdara": "agdere",
    "agdara": "agdere",
    "barda": "berde",
    "gabala": "qebele",
    "ganja": "gence",
    "gazakh": "qazax",
    "guba": "quba",
    "gubadli": "qubadli",
    "gubadly": "qubadli",
    "jabrail": "cebrayil",
    "jabrayil": "cebrayil",
    "kalbajar": "kelbecer",
    "karabakh": "qarabag",
    "khojali": "xocali",
    "khojaly": "xocali",
    "lankaran": "lenkeran",
    "mingachevir": "mingecevir",
    "sumgait": "sumqayit",
    "sumgayit": "sumqayit",
    "tartar": "terter",
    "zangilan": "zengilan",
}


def spelling_key(word):
    """One folded word in the form every spelling of it shares: "khankendi" → "xankendi"."""
    word = SPELLING_NAMES.get(word, word)
    for spelled, sound in SPELLING_DIGRAPHS:
        word = word.replace(spelled, sound)
    return word.translate(SPELLING_LETTERS)


def search_text(text):
    """What search indexes and matches of a text: each folded word's spelling key."""
    return " ".join(spelling_key(word) for word in fold(text).split())


_TAG = re.compile(r"<[^>]*>")


def plain_text(markup):
    """The text of sanitised HTML (core.sanitizer), each tag a space: paragraphs stay
    apart ("…in Lachin. Staff…", never "…in Lachin.Staff…")."""
    return " ".join(html.unescape(_TAG.sub(" ", markup or "")).split())
