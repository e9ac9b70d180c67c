"""The newsroom's home and notices: Editors hear of submissions, Authors of publication
and returns; the admin index lists drafts, reviews, schedules, recent articles with a
30-day views chart, and withdrawals, in a fixed number of queries."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news.models import Article, DailyViews, Notification
from news.newsroom import newsroom_event, workflow
from tests.factories import ArticleFactory, admin_form_data, author, editor, in_english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def signed_in(user):
    client = in_english(Client())
    client.force_login(user)
    return client


@pytest.fixture
def events():
    heard = []

    def receiver(sender, **kwargs):
        heard.append(kwargs)

    newsroom_event.connect(receiver, weak=False)
    yield heard
    newsroom_event.disconnect(receiver)


def test_a_submission_tells_the_editors_and_publication_tells_the_author(
    events, django_capture_on_commit_callbacks
):
    writer, chief, deputy = author("yazar"), editor("bas"), editor("muavin")
    article = ArticleFactory(status=Article.Status.DRAFT, title_en="Report")
    article.author = writer
    article.save()
    client = signed_in(writer)
    url = f"/admin/news/article/{article.pk}/change/"
    data = admin_form_data(client.get(url))
    data["status"] = "review"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    assert {n.recipient for n in Notification.objects.filter(event="submitted")} == {
        chief,
        deputy,
    }
    assert events[-1]["event"] == "submitted"
    assert set(events[-1]["recipients"]) == {chief, deputy}
    assert events[-1]["actor"] == writer

    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, chief)
    told = Notification.objects.get(event="published")
    assert told.recipient == writer
    assert told.actor == chief
    assert events[-1]["event"] == "published"


def test_sending_back_tells_the_author_and_nobody_is_told_of_their_own_step():
    writer, chief = author(), editor()
    article = ArticleFactory(status=Article.Status.DRAFT, author=writer)
    workflow.submit_for_review(article, writer)
    workflow.back_to_draft(article, chief)
    assert Notification.objects.get(event="returned").recipient == writer
    own = ArticleFactory(status=Article.Status.DRAFT, author=chief)
    workflow.publish(own, chief)
    assert not Notification.objects.filter(article=own).exists()


def test_the_home_shows_the_newsroom_in_a_fixed_number_of_queries():
    writer, chief = author("yazar"), editor("bas")
    now = timezone.now()
    ArticleFactory(status=Article.Status.DRAFT, title_en="My own draft", author=chief)
    waiting = ArticleFactory(status=Article.Status.DRAFT, title_en="Waiting one", author=writer)
    workflow.submit_for_review(waiting, writer)
    ArticleFactory(title_en="Tomorrow's", published_at=now + datetime.timedelta(days=1))
    recent = ArticleFactory(title_en="Read a lot", published_at=now - datetime.timedelta(hours=2))
    today = timezone.localdate()
    DailyViews.objects.bulk_create(
        DailyViews(article=recent, day=today - datetime.timedelta(days=d), count=10 * d)
        for d in range(5)
    )
    ArticleFactory(title_en="Gone", status=Article.Status.WITHDRAWN, withdrawn_reason_en="Wrong")
    client = signed_in(chief)
    client.get("/admin/")  # the session and the content types are warm

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/admin/")
    home = BeautifulSoup(page.content, "html.parser").select_one(".newsroom-home")
    text = home.get_text(" ")
    assert "My own draft" in text
    assert "Waiting one" in home.select_one("[aria-labelledby=home-review]").get_text(" ")
    assert "yazar" in home.select_one("[aria-labelledby=home-review]").get_text(" ")
    assert "Tomorrow's" in home.select_one("[aria-labelledby=home-scheduled]").get_text(" ")
    assert "Gone" in home.select_one("[aria-labelledby=home-withdrawn]").get_text(" ")
    recent_row = home.select_one("[aria-labelledby=home-recent] tbody tr")
    assert "Read a lot" in recent_row.get_text(" ")
    assert recent_row.select_one("svg polyline")["points"].count(",") == 30
    assert "100" in recent_row.get_text(" ")  # 0+10+20+30+40 views in the window
    assert "submitted “Waiting one” for review" in text
    assert len(queries) == HOME_QUERIES
    # Read notices stay listed, no longer marked.
    assert client.post("/admin/news/article/notifications/read/").status_code == 302
    page = BeautifulSoup(client.get("/admin/").content, "html.parser")
    assert not page.select(".newsroom-home .is-unread")


# Session, user, its permissions (2), notices, drafts, review, scheduled, recent, their
# views, withdrawn, and Django's recent-actions box.
HOME_QUERIES = 12


def test_an_author_sees_only_their_own_articles():
    writer = author()
    ArticleFactory(
        status=Article.Status.WITHDRAWN, title_en="Someone else's", withdrawn_reason_en="x"
    )
    ArticleFactory(
        status=Article.Status.WITHDRAWN, title_en="Mine", author=writer, withdrawn_reason_en="x"
    )
    text = signed_in(writer).get("/admin/").content.decode()
    assert "Mine" in text
    assert "Someone else's" not in text


def test_people_who_do_not_write_articles_get_no_home():
    from tests.factories import make_translator

    page = signed_in(make_translator()).get("/admin/")
    assert page.status_code == 200
    assert b"newsroom-home" not in page.content
