"""Azerbaijani text rules: transliterated slugs and folded search text."""

import pytest

from core.text import az_lower, fold, slugify_az


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Xankəndi", "xankendi"),
        ("Şuşa qalası", "susa-qalasi"),
        ("Gənclərə çağırış: ölkə üçün", "genclere-cagiris-olke-ucun"),
        ("İYUL AYI", "iyul-ayi"),
        ("“Böyük Qayıdış” arzuları", "boyuk-qayidis-arzulari"),
    ],
)
def test_slugs_transliterate_azerbaijani(title, slug):
    assert slugify_az(title) == slug


@pytest.mark.parametrize("query", ["xankendi", "XANKƏNDİ", "Xankəndi", "xankəndi"])
def test_search_folding_ignores_case_and_diacritics(query):
    assert fold(query) == "xankendi"


def test_azerbaijani_lower_case_rules():
    assert az_lower("İyul") == "iyul"
    assert az_lower("ISTI") == "ıstı"
