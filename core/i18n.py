"""Which language a shown text came from: the one place that decides fallbacks.

modeltranslation's own fallback returns a value but never says which language it
is in; readers need the `lang` attribute and a visible hint when the page shows
text in another language than its own.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def current_language():
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE


def fallback_order(language):
    return [language] + [code for code in LANGUAGE_CODES if code != language]


def language_hint(language):
    """The visible hint for text shown in `language`, worded in the page's language."""
    if language == "az":
        return pgettext("fallback hint", "in Azerbaijani")
    return pgettext("fallback hint", "in English")


@dataclass(frozen=True)
class LocalizedText:
    text: str
    language: str
    requested: str

    @property
    def is_fallback(self):
        return bool(self.text) and self.language != self.requested

    @property
    def hint(self):
        return language_hint(self.language) if self.is_fallback else ""

    def __str__(self):
        return self.text

    def __bool__(self):
        return bool(self.text)

    def __html__(self):
        return conditional_escape(self.text)

    def lang_attr(self):
        """` lang="az"` when the text is not in the page's language, else nothing."""
        if self.is_fallback:
            return format_html(' lang="{}"', self.language)
        return mark_safe("")


def localized(obj, field, language=None):
    """`obj.<field>` in `language`, else in the first other language that has it.

    NULL, empty and white-space-only values all count as missing.
    """
    requested = language or current_language()
    for code in fallback_order(requested):
        value = getattr(obj, f"{field}_{code}", None)
        if isinstance(value, str) and value.strip():
            return LocalizedText(value.strip(), code, requested)
    return LocalizedText("", requested, requested)
