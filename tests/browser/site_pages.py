"""The reader pages every browser check walks: one of each type, found in the demo content.

Page types are named at collection time and resolved to URLs once the demo is loaded, so
a test id reads like `article-fallback-en`.
"""

from django.urls import reverse
from django.utils.translation import override

from news.models import Article, Category, Tag
from portal.models import StaticPage

LANGUAGES = ["az", "en"]
SEARCH_WORDS = {"az": "Qayıdış", "en": "return"}


def _reverse(name, language, **kwargs):
    with override(language):
        return reverse(name, kwargs=kwargs or None)


def _both_languages(language):
    return Article.objects.published().written_in(language).written_in(_other(language))


def _other(language):
    return "en" if language == "az" else "az"


def _category(language):
    with override(language):
        return Category.objects.order_by("order").first().get_absolute_url()


def _static_page(language):
    with override(language):
        return StaticPage.objects.filter(is_published=True).first().get_absolute_url()


def _fallback_article(language):
    # Written only in the other language, read from this language's side.
    articles = Article.objects.published().written_in(_other(language))
    article = articles.exclude(written_languages__contains=language).first()
    return article.get_absolute_url(language)


def _search(language):
    return f"{_reverse('news:search', language)}?q={SEARCH_WORDS[language]}"


def _topic(language):
    # A place with news in the demo (news.demo_data.TAGS).
    with override(language):
        return Tag.objects.get(name_en="Lachin").get_absolute_url()


def _archive_month(language):
    newest = Article.objects.published().order_by("-published_at").first().published_at
    return _reverse("news:archive_month", language, year=newest.year, month=newest.month)


PATHS = {
    "home": lambda language: _reverse("news:home", language),
    "listing": lambda language: _reverse("news:all", language),
    "category": _category,
    "article-photo": lambda language: (
        _both_languages(language).exclude(photo="").first().get_absolute_url(language)
    ),
    "article-plain": lambda language: (
        _both_languages(language).filter(photo="").first().get_absolute_url(language)
    ),
    "article-fallback": _fallback_article,
    "static-page": _static_page,
    "search": _search,
    "archive": lambda language: _reverse("news:archive", language),
    "topics": lambda language: _reverse("news:topics", language),
    "topic": _topic,
    "feeds": lambda language: _reverse("news:feeds", language),
    "archive-month": _archive_month,
    "appeal": lambda language: _reverse("portal:appeal", language),
    "not-found": lambda language: f"/{language}/news/999999/no-such-article/",
}
PAGE_TYPES = list(PATHS)


def url_for(page_type, language):
    """The path of a page of `page_type` in `language`."""
    return PATHS[page_type](language)


def expected_status(page_type):
    return 404 if page_type == "not-found" else 200


def all_pages():
    """(page type, language) pairs for parametrising tests."""
    return [(page_type, language) for page_type in PAGE_TYPES for language in LANGUAGES]


def page_id(pair):
    return f"{pair[0]}-{pair[1]}"
