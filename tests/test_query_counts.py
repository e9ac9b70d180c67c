"""Reader pages run a fixed, small number of SQL queries, however much content there is.

Every count below is a literal, compared with what the page was measured to run, for
two sizes of content: the same literal for both is the proof that nothing grows.

- cold: a fresh worker (empty caches, no content version known): it reads the version,
  builds the shared fragments (menu, latest news, most read, site settings, static
  pages, the next scheduled publication) and the page's own fragments;
- warm: every later request of the same content version;
- first reader after a change: the commit already built the shared fragments
  (portal.warmup), so the first reader builds only the page's own.

A worker trusts the content version it read for CONTENT_VERSION_TTL seconds; here for
an hour, so a slow machine never sees an extra version read in the middle of a test.
"""

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts import tokens
from alerts.models import Subscriber
from core import caching
from news.models import Tag
from portal import appeals
from portal.models import Appeal, AppealStatusChange
from tests.conftest import READER_UA
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db

# page: (cold, warm). Warm pages read only what changes without a content change: an
# article's stored view count and counting the view (0 of them with the Redis buffer).
QUERIES = {
    # Cold, the article's own: the row, its gallery, its tags, its neighbours in the
    # section, its withdrawal notices, and related news (news.search.related: the
    # search statistics, then one statement for the candidates and the rows shown).
    "article az": (14, 2),
    "article en": (14, 2),
    "listing": (9, 0),
    "listing, last page": (10, 0),  # a deep page also finds where it starts (cached)
    "all news": (9, 0),
    "home": (9, 0),  # and the topics in its sidebar
}
# page: queries of the first reader after an editor's committed change.
FIRST_READER_QUERIES = {
    # The warm 2, the article, its gallery, its tags, neighbours and notices, and its
    # related news, one statement (the search statistics were read by the commit's
    # warmup).
    "article az": 8,
    "listing, page 7": 3,  # the rows, the page count, where page 7 starts
}


@pytest.fixture(autouse=True)
def _version_trusted_for_the_test(settings):
    settings.CONTENT_VERSION_TTL = 3600


def make_content(count):
    category = CategoryFactory()
    ArticleFactory.create_batch(count, category=category)
    return category


def queries_of(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, HTTP_USER_AGENT=READER_UA)
    assert response.status_code == 200, path
    return len(queries)


def cold_and_warm(client, path):
    cache.clear()
    caching.reset()
    cold = queries_of(client, path)
    return cold, queries_of(client, path)


@pytest.mark.parametrize("size", [45, 250])  # the last page is page 3, or page 13
def test_pages_run_the_same_few_queries_whatever_the_content_size(client, size):
    category = make_content(size)
    article = category.articles.first()
    last_page = (size + 19) // 20
    paths = {
        "article az": article.get_absolute_url("az"),
        "article en": article.get_absolute_url("en"),
        "listing": category.get_absolute_url(),
        "listing, last page": f"{category.get_absolute_url()}?page={last_page}",
        "all news": "/en/news/",
        "home": "/az/",
    }
    measured = {page: cold_and_warm(client, path) for page, path in paths.items()}
    assert measured == QUERIES


def test_after_a_committed_change_the_first_reader_builds_only_its_own_page(
    client, django_capture_on_commit_callbacks
):
    category = make_content(150)  # 8 pages
    article = category.articles.first()
    paths = {
        "article az": article.get_absolute_url("az"),
        "listing, page 7": f"{category.get_absolute_url()}?page=7",
    }
    measured = {}
    for page, path in paths.items():
        queries_of(client, path)  # warm, before the change
        with django_capture_on_commit_callbacks(execute=True):  # the commit and its warmup
            ArticleFactory(category=category)
        measured[page] = queries_of(client, path)
    assert measured == FIRST_READER_QUERIES


# page: (cold, warm) for the readers' alert pages and the appeal status page, never cached
# whole (a form with a CSRF token, or a personal answer).
ALERT_AND_APPEAL_QUERIES = {
    # The sections; the newest topics, asked whether there are any, then listed.
    "subscribe": (10, 3),
    "subscribe, a topic ticked": (11, 4),  # and the topic named in the link
    "subscribe, sent": (7, 0),
    "confirm": (8, 1),  # the subscriber the signed link names
    # The subscriber, what they follow (sections, topics), then the form's lists.
    "manage": (13, 6),
    "unsubscribe": (8, 1),
    "appeal status": (7, 0),
    "appeal status, result": (9, 2),  # the appeal and its status changes
}


@pytest.mark.parametrize("size", [1, 60])  # sections and topics the forms list
def test_alert_and_appeal_status_pages_run_the_same_few_queries(client, size):
    category = make_content(3)
    for n in range(size):
        CategoryFactory()
        Tag.objects.create(name_az=f"Mövzu {n}", name_en=f"Topic {n}")
    tag = Tag.objects.order_by("id").first()
    subscriber = Subscriber.objects.create(
        email="reader@example.org", all_news=True, confirmed_at=timezone.now()
    )
    subscriber.categories.add(category)
    subscriber.tags.add(tag)
    appeal = Appeal.objects.create(
        name="Vətəndaş", email="citizen@example.org", subject="Mənzil", message="Mətn"
    )
    AppealStatusChange.objects.create(appeal=appeal, status=appeal.status)
    status_token = signing.dumps(
        {"r": appeal.reference, "e": appeal.email}, salt=appeals.STATUS_SALT
    )
    paths = {
        "subscribe": "/en/alerts/",
        "subscribe, a topic ticked": f"/az/abune/?topic={tag.pk}",
        "subscribe, sent": "/en/alerts/sent/",
        "confirm": f"/en/alerts/confirm/{tokens.make(tokens.CONFIRM, subscriber)}/",
        "manage": f"/en/alerts/manage/{tokens.make(tokens.MANAGE, subscriber)}/",
        "unsubscribe": f"/az/abune/imtina/{tokens.make(tokens.UNSUBSCRIBE, subscriber)}/",
        "appeal status": "/az/muraciet/status/",
        "appeal status, result": f"/en/appeal/status/?t={status_token}",
    }
    measured = {page: cold_and_warm(client, path) for page, path in paths.items()}
    assert measured == ALERT_AND_APPEAL_QUERIES
