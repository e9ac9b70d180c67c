"""Article addresses, without a URL resolver pass for every article.

A results page, a feed or a sitemap names dozens to thousands of articles, and
reverse() matches the URL patterns again for each (with a language switch around it
for pages in the other language): about a quarter of the CPU of a search result's
list item. Every article's address differs from its neighbours' only in the
id and the slug at the end, so the part before them is found once per language
(and URL configuration) by reverse() itself, and the rest is filled in here.
"""

from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import override

_SAMPLE_PK = 1
_SAMPLE_SLUG = "slug"
_SAMPLE_TAIL = f"{_SAMPLE_PK}/{_SAMPLE_SLUG}/"
_reversed = {}


def _reverse_once(language, name, **kwargs):
    """reverse(name, kwargs=kwargs) in `language`, kept per language, script prefix and
    URL configuration. Only for a fixed few names and arguments: the memo never shrinks."""
    key = (name, language, tuple(kwargs.items()), get_script_prefix(), get_urlconf())
    found = _reversed.get(key)
    if found is None:
        with override(language):
            found = _reversed[key] = reverse(name, kwargs=kwargs or None)
    return found


def _prefix(language):
    sample = _reverse_once(language, "news:article", pk=_SAMPLE_PK, slug=_SAMPLE_SLUG)
    if not sample.endswith(_SAMPLE_TAIL):
        raise ValueError(f"the article URL no longer ends with <pk>/<slug>/: {sample}")
    return sample[: -len(_SAMPLE_TAIL)]


def named_path(language, name):
    """What reverse(name) gives in `language` for a URL without arguments (the search
    page's own address, on every search)."""
    return _reverse_once(language, name)


def article_path(language, pk, slug):
    """What reverse("news:article") gives for `pk` and `slug` in `language`."""
    return article_paths(language)(pk, slug)


def article_paths(language):
    """article_path for many articles in `language`: the prefix is looked up once."""
    prefix = _prefix(language)
    return lambda pk, slug: f"{prefix}{int(pk)}/{quote(slug, safe=RFC3986_SUBDELIMS + '~:@')}/"
