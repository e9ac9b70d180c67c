"""The newsroom's events by e-mail: sent to the people the event names, in their admin
language, never to the one who acted, and not to anyone who turned them off."""

import pytest
from django.core import mail

from alerts.models import NewsroomMailPreference
from news import newsroom
from portal.models import StaffPreference
from tests.factories import ArticleFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def send_event(django_capture_on_commit_callbacks):
    def send(article, event, actor, recipients):
        with django_capture_on_commit_callbacks(execute=True):
            newsroom.newsroom_event.send(
                sender=type(article),
                article=article,
                event=event,
                actor=actor,
                recipients=recipients,
            )

    return send


def test_a_submission_reaches_the_editors_in_their_language(send_event):
    writer = staff_user("writer")
    chief = staff_user("chief")
    english = staff_user("english")
    StaffPreference.objects.create(user=english, admin_language="en")
    article = ArticleFactory(status="review", title_az="Yeni məqalə", title_en="A new article")
    send_event(article, newsroom.SUBMITTED, writer, [chief, english, writer])
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"chief@example.gov.az", "english@example.gov.az"}
    assert by_address["chief@example.gov.az"].subject == "Yoxlama üçün: Yeni məqalə"
    assert by_address["english@example.gov.az"].subject == "For review: A new article"
    assert f"/admin/news/article/{article.pk}/change/" in by_address["chief@example.gov.az"].body


@pytest.mark.parametrize(
    ("event", "subject"),
    [(newsroom.PUBLISHED, "Dərc olundu"), (newsroom.RETURNED, "Sizə qaytarıldı")],
)
def test_publishing_and_sending_back_reach_the_author(send_event, event, subject):
    chief, writer = staff_user("chief"), staff_user("writer")
    article = ArticleFactory(title_az="Məqalə")
    send_event(article, event, chief, [writer])
    [message] = mail.outbox
    assert message.to == ["writer@example.gov.az"]
    assert message.subject == f"{subject}: Məqalə"


def test_a_user_who_turned_them_off_gets_none(client, send_event):
    writer, chief = staff_user("writer"), staff_user("chief")
    client.force_login(chief)
    page = client.get("/admin/newsroom-mail/")
    assert page.status_code == 200
    assert client.post("/admin/newsroom-mail/", {}).status_code == 302  # box unticked
    assert NewsroomMailPreference.objects.get(user=chief).enabled is False
    send_event(ArticleFactory(status="review"), newsroom.SUBMITTED, writer, [chief])
    assert mail.outbox == []
    client.post("/admin/newsroom-mail/", {"enabled": "on"})
    send_event(ArticleFactory(status="review"), newsroom.SUBMITTED, writer, [chief])
    assert len(mail.outbox) == 1


def test_the_switch_is_for_staff_only(client):
    assert client.get("/admin/newsroom-mail/").status_code == 302  # to the login page
