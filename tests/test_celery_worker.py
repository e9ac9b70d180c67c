"""Jobs on a real Celery worker (Redis database 10) delivering to a real SMTP server:
appeals in both languages and their status changes, double opt-in, instant alerts, the
daily digest, one-click unsubscribe, and the newsroom's e-mail."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.antispam import sign_start
from alerts.models import OutgoingMessage, Subscriber
from news import newsroom
from news.tasks import announce_due_articles
from portal.forms import sign_start as appeal_start
from portal.models import Appeal
from tests.factories import ArticleFactory, CategoryFactory, staff_user
from tests.mail_support import SmtpSink, Worker, broker, subject_of, text_of, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]


def fresh(**fields):
    """An article published a minute ago: the factory's dates go back an hour per article
    made in the session, past the day that announcing looks back on."""
    return ArticleFactory(**{"published_at": timezone.now() - timedelta(minutes=1), **fields})


@pytest.fixture(scope="module")
def sink():
    with SmtpSink() as server:
        yield server


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, sink, tmp_path_factory):
    with broker(), Worker(worker_env(sink), tmp_path_factory.mktemp("worker")) as process:
        yield process


@pytest.fixture
def inbox(worker, sink, transactional_db, settings):
    settings.APPEALS_NOTIFY = ["qebul@example.gov.az"]
    with sink.lock:
        sink.messages.clear()
    return sink


def link_in(message, path_part):
    found = re.search(rf"https?://testserver(\S*(?:{path_part})\S*)", text_of(message))
    assert found, f"no {path_part} link in:\n{text_of(message)}"
    return found.group(1)


def appeal_data(**overrides):
    return {
        "name": "Aysel Məmmədova",
        "email": "aysel@example.az",
        "phone": "",
        "subject": "Mənzil növbəsi",
        "message": "Hörmətli Komitə, mənzil növbəsi barədə məlumat istəyirəm.",
        "website": "",
        "started": appeal_start(time.time() - 30),
        **overrides,
    }


def test_an_appeal_reaches_the_citizen_and_the_staff_in_its_language(client, inbox, worker):
    assert client.post("/az/muraciet/", appeal_data()).status_code == 302
    assert client.post("/en/appeal/", appeal_data(email="john@example.org")).status_code == 302
    inbox.wait_for(4, what=f"appeal e-mail\n{worker.log_tail()}")
    az_ref, en_ref = (
        Appeal.objects.get(email=address).reference
        for address in ("aysel@example.az", "john@example.org")
    )
    [azerbaijani] = inbox.to("aysel@example.az")
    assert subject_of(azerbaijani) == f"{az_ref} nömrəli müraciətiniz qəbul edilib"
    assert "Dövlət Komitəsinə müraciətiniz" in text_of(azerbaijani)
    assert 'lang="az"' in text_of(azerbaijani, "html")
    [english] = inbox.to("john@example.org")
    assert subject_of(english) == f"Your appeal {en_ref} has been received"
    assert "State Committee" in text_of(english)
    staff = inbox.to("qebul@example.gov.az")
    assert len(staff) == 2
    assert all("mənzil növbəsi barədə məlumat" in text_of(m) for m in staff)
    for message in (azerbaijani, english):
        assert message["From"]
        assert message["Message-ID"]
        assert "<img" not in text_of(message, "html")


def test_a_status_change_in_the_admin_reaches_the_citizen(client, admin_client, inbox, worker):
    client.post("/en/appeal/", appeal_data(email="john@example.org"))
    inbox.wait_for(2)
    appeal = Appeal.objects.get()
    response = admin_client.post(
        f"/admin/portal/appeal/{appeal.pk}/change/", {"status": "answered"}
    )
    assert response.status_code == 302
    inbox.wait_for(3, what=f"status e-mail\n{worker.log_tail()}")
    [_first, change] = inbox.to("john@example.org")
    assert subject_of(change) == f"Appeal {appeal.reference}: Answered"
    page = client.get(link_in(change, "/en/appeal/status/"))
    assert "Answered" in page.content.decode()


def subscribe(client, email, **choices):
    data = {
        "email": email,
        "language": "",
        "all_news": "on",
        "frequency": "immediate",
        "digest_hour": "8",
        "website": "",
        "started": sign_start("alerts.subscribe.started", time.time() - 30),
        **choices,
    }
    response = client.post("/en/alerts/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def confirm_from(client, message):
    path = link_in(message, "/confirm/|/tesdiq/")
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 200


def test_double_opt_in_then_an_instant_alert_in_both_languages(client, inbox, worker):
    subscribe(client, "reader@example.org")
    [confirmation] = inbox.wait_for(1, what=f"confirmation\n{worker.log_tail()}")
    assert not Subscriber.objects.receiving().exists()  # nothing until the link is used
    assert "Xəbər bildirişlərini təsdiqləyin" in subject_of(confirmation)
    assert "Confirm your news alerts" in subject_of(confirmation)
    confirm_from(client, confirmation)
    article = fresh(title_az="Qayıdış başladı", title_en="The return has begun")
    announce_due_articles.delay()
    messages = inbox.wait_for(2, what=f"alert\n{worker.log_tail()}")
    [alert] = [m for m in messages if m is not confirmation]
    text = text_of(alert)
    assert "Qayıdış başladı" in text
    assert "The return has begun" in text
    assert f"/news/{article.pk}/" in text
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert str(alert["List-Unsubscribe"]).strip().startswith("<http")
    # Beat asks again a minute later: nobody hears of it twice.
    announce_due_articles.delay()
    time.sleep(2)
    assert len(inbox.quiet_for(1)) == 2


def test_one_click_unsubscribe_stops_the_alerts(client, inbox, worker):
    subscribe(client, "leaving@example.org", language="az")
    [confirmation] = inbox.wait_for(1)
    confirm_from(client, confirmation)
    fresh()
    announce_due_articles.delay()
    [_c, alert] = inbox.wait_for(2, what=f"alert\n{worker.log_tail()}")
    target = str(alert["List-Unsubscribe"]).strip().strip("<>").split("testserver", 1)[1]
    # What a mail client sends (RFC 8058): a POST with no cookie and no CSRF token.
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(target, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Subscriber.objects.get().unsubscribed_at is not None
    fresh()
    announce_due_articles.delay()
    time.sleep(2)
    assert len(inbox.quiet_for(1)) == 2


def test_a_daily_digest_gathers_the_days_articles(client, inbox, worker):
    section = CategoryFactory()
    subscribe(
        client,
        "daily@example.org",
        language="en",
        all_news="",
        categories=[str(section.pk)],
        frequency="daily",
        digest_hour="0",
    )
    [confirmation] = inbox.wait_for(1)
    confirm_from(client, confirmation)
    fresh(category=section, title_en="First of the day")
    fresh(category=section, title_en="Second of the day")
    fresh(title_en="In another section")
    announce_due_articles.delay()
    from alerts.models import Delivery
    from alerts.tasks import send_due_digests

    deadline = time.monotonic() + 30
    while Delivery.objects.count() < 2 and time.monotonic() < deadline:  # handed out
        time.sleep(0.2)

    send_due_digests.delay()
    [_c, digest] = inbox.wait_for(2, what=f"digest\n{worker.log_tail()}")
    text = text_of(digest)
    assert subject_of(digest) == "News of the day: 2 articles"
    assert "First of the day" in text
    assert "Second of the day" in text
    assert "In another section" not in text
    send_due_digests.delay()  # again the same day: nothing more
    time.sleep(2)
    assert len(inbox.quiet_for(1)) == 2


def test_the_newsroom_events_arrive_unless_turned_off(
    inbox, worker, django_capture_on_commit_callbacks
):
    # No groups: the transactional tests before this one emptied the migrations' rows.
    chief = staff_user("chief")
    quiet = staff_user("quiet")
    writer = staff_user("writer")
    from alerts.models import NewsroomMailPreference

    NewsroomMailPreference.objects.create(user=quiet, enabled=False)
    article = fresh(status="review", title_az="Yeni məqalə", author=writer)
    newsroom.newsroom_event.send(
        sender=type(article),
        article=article,
        event=newsroom.SUBMITTED,
        actor=writer,
        recipients=[chief, quiet],
    )
    [message] = inbox.wait_for(1, what=f"newsroom e-mail\n{worker.log_tail()}")
    assert message["To"] == "chief@example.gov.az"
    assert subject_of(message) == "Yoxlama üçün: Yeni məqalə"
    assert f"/admin/news/article/{article.pk}/change/" in text_of(message)
    time.sleep(1)
    assert len(inbox.quiet_for(1)) == 1
    assert OutgoingMessage.objects.filter(to="quiet@example.gov.az").count() == 0
    assert timezone.now()
