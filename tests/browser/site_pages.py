"""The reader pages every browser check walks: one of each type, found in the demo content.

Page types are named at collection time and resolved to URLs once the demo is loaded, so
a test id reads like `article-fallback-en`.
"""

import threading

from django.core import signing
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from alerts import tokens
from alerts.models import Subscriber
from news.models import Article, Category, Tag
from portal import appeals
from portal.models import Appeal, AppealStatusChange, StaticPage

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


def _committed(make):
    """`make()` run on a connection of its own, committed at once: the test's own
    connection is inside a transaction the live server's thread cannot see into."""
    made = []

    def run():
        try:
            made.append(make())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return made[0]


def _subscriber():
    # A confirmed reader of the demo site (made once per demo load, then found again).
    return _committed(
        lambda: Subscriber.objects.get_or_create(
            email="reader@example.org",
            defaults={"all_news": True, "confirmed_at": timezone.now()},
        )[0]
    )


def _citizens_appeal():
    appeal = Appeal.objects.filter(email="citizen@example.org").first()
    if appeal is None:
        appeal = Appeal.objects.create(
            name="Vətəndaş", email="citizen@example.org", subject="Mənzil", message="Mətn"
        )
        AppealStatusChange.objects.create(appeal=appeal, status=appeal.status)
    return appeal


def _alerts_link(name, kind):
    return lambda language: _reverse(name, language, token=tokens.make(kind, _subscriber()))


def _appeal_status_result(language):
    # The signed link of the confirmation e-mail (portal.appeals.status_link), as a path.
    appeal = _committed(_citizens_appeal)
    token = signing.dumps({"r": appeal.reference, "e": appeal.email}, salt=appeals.STATUS_SALT)
    return f"{_reverse('portal:appeal_status', language)}?t={token}"


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
    "appeal-status": lambda language: _reverse("portal:appeal_status", language),
    "appeal-status-result": _appeal_status_result,
    "alerts-subscribe": lambda language: _reverse("alerts:subscribe", language),
    "alerts-sent": lambda language: _reverse("alerts:subscribe_sent", language),
    "alerts-confirm": _alerts_link("alerts:confirm", tokens.CONFIRM),
    "alerts-manage": _alerts_link("alerts:manage", tokens.MANAGE),
    "alerts-unsubscribe": _alerts_link("alerts:unsubscribe", tokens.UNSUBSCRIBE),
    "not-found": lambda language: f"/{language}/news/999999/no-such-article/",
}
PAGE_TYPES = list(PATHS)
# Pages that ask search engines not to index them: a search (endless combinations of
# words) and the pages of one person's appeal or subscription, reached from a private
# link or after a form. Every other page type may be indexed.
NOT_INDEXED = {
    "search",
    "appeal-status",
    "appeal-status-result",
    "alerts-sent",
    "alerts-confirm",
    "alerts-manage",
    "alerts-unsubscribe",
}


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
