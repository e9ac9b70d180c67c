"""Triage: the board and "save and next" put published articles first, then the newest,
then missing before outdated; hidden fields never keep an article from complete."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from news.models import Article
from tests.factories import ArticleFactory, azerbaijani_only, editor, post_translation
from translators import state
from translators.registry import ARTICLE
from translators.selectors import next_needing_work

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def at(hours_ago):
    return NOW - datetime.timedelta(hours=hours_ago)


@pytest.fixture
def queue():
    outdated = ArticleFactory(title_az="Köhnəlmiş", title_en="Outdated", published_at=at(1))
    outdated.body_az = "<p>Düzəliş.</p>"
    outdated.save()
    return {
        "draft_newest": azerbaijani_only(
            title_az="Qaralama", status=Article.Status.DRAFT, published_at=at(0)
        ),
        "outdated": outdated,
        "missing_same_time": azerbaijani_only(title_az="Çatışmır", published_at=at(1)),
        "older": azerbaijani_only(title_az="Köhnə xəbər", published_at=at(5)),
        "complete": ArticleFactory(title_az="Tam", title_en="Complete", published_at=at(2)),
    }


def board_titles(client):
    page = BeautifulSoup(client.get("/admin/translations/?kind=article").content, "html.parser")
    return [row.select("td")[2].get_text(strip=True) for row in page.select("tbody tr")]


def test_the_board_lists_published_first_then_newest_then_missing_before_outdated(
    translator_client, queue
):
    assert board_titles(translator_client) == [
        "Çatışmır",  # published an hour ago, missing
        "Outdated",  # published at the same time, outdated
        "Complete",
        "Köhnə xəbər",
        "Qaralama",  # the newest, but a draft
    ]


def test_next_follows_the_same_order_and_skips_complete_work(queue):
    order = []
    current = None
    for _step in range(5):
        found = next_needing_work(ARTICLE, "en", current.pk if current else 0)
        if found is None or found.pk in order:
            break
        order.append(found.pk)
        current = found
        Article.objects.filter(pk=found.pk).update(
            translation_fingerprints={"_state": {"en": {"state": "complete"}}}
        )
    assert order == [
        queue["missing_same_time"].pk,
        queue["outdated"].pk,
        queue["older"].pk,
        queue["draft_newest"].pk,
    ]


def test_a_withdrawal_reason_of_an_article_that_is_not_withdrawn_never_blocks(
    translator_client,
):
    article = ArticleFactory(
        title_az="Başlıq",
        title_en="Headline",
        withdrawn_reason_az="Səhv məlumat",
        published_at=at(0),
    )
    stored = Article.objects.get(pk=article.pk)
    assert state.stored_summary(stored)["en"] == {
        "state": "complete",
        "missing": [],
        "outdated": [],
    }
    assert next_needing_work(ARTICLE, "en", 0) is None
    page = BeautifulSoup(
        translator_client.get("/admin/translations/?kind=article&state=missing").content,
        "html.parser",
    )
    assert not page.select("tbody tr")


def test_a_withdrawn_articles_reason_counts(translator_client):
    article = ArticleFactory(
        title_az="Başlıq",
        title_en="Headline",
        status=Article.Status.WITHDRAWN,
        withdrawn_reason_az="Səhv məlumat",
        published_at=at(0),
    )
    stored = Article.objects.get(pk=article.pk)
    assert state.stored_summary(stored)["en"]["missing"] == ["withdrawn_reason"]


def test_editors_see_each_translators_progress_this_week_and_month(client, translator):
    for number in range(3):
        article = azerbaijani_only(title_az=f"Xəbər {number}", body_az="<p>Mətn.</p>")
        response = post_translation(
            client,
            f"/admin/translations/article/{article.pk}/en/",
            {"title": f"News {number}", "body": "<p>Text.</p>", "_save": "1"},
        )
        assert response.status_code == 302
    assert "translators-progress" not in client.get("/admin/translations/").content.decode()
    client.force_login(editor())
    page = BeautifulSoup(client.get("/admin/translations/").content, "html.parser")
    row = page.select_one(".translators-progress tbody tr")
    assert [cell.get_text(strip=True) for cell in row.select("th, td")] == [
        translator.username,
        "3",
        "3",
    ]
