"""Canonical and alternate-language URLs for the page being rendered."""

from core.i18n import LANGUAGE_CODES


def alternates_for(url_in, languages=None):
    """[(language, path)] for each language the page really exists in."""
    return [(code, url_in(code)) for code in (languages or LANGUAGE_CODES)]
