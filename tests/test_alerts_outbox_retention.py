"""The outbox does not grow for ever: each night sent messages older than
OUTBOX_RETENTION_DAYS are deleted; waiting, failed and skipped ones stay, and deleting
never makes an article owed again."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from alerts import announcements, sending
from alerts.models import Delivery, OutgoingMessage, Subscriber
from alerts.tasks import delete_old_sent_messages
from news.tasks import announce_due_articles
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

Status = OutgoingMessage.Status


def message(key, status, days_ago):
    moment = timezone.now() - timedelta(days=days_ago)
    row = OutgoingMessage.objects.create(key=key, kind="confirm", to="a@example.org")
    OutgoingMessage.objects.filter(pk=row.pk).update(
        status=status, created_at=moment, sent_at=moment if status == Status.SENT else None
    )
    return row


def keys_left():
    return set(OutgoingMessage.objects.values_list("key", flat=True))


def test_sent_messages_past_the_retention_go_and_the_others_stay(settings):
    assert settings.OUTBOX_RETENTION_DAYS == 30  # the default
    message("sent-old", Status.SENT, 31)
    message("sent-recent", Status.SENT, 29)
    message("pending-old", Status.PENDING, 60)
    message("failed-old", Status.FAILED, 60)
    message("skipped-old", Status.SKIPPED, 60)
    assert delete_old_sent_messages() == 1
    assert keys_left() == {"sent-recent", "pending-old", "failed-old", "skipped-old"}
    assert delete_old_sent_messages() == 0  # running it twice changes nothing


def test_the_retention_is_a_setting(settings):
    settings.OUTBOX_RETENTION_DAYS = 7
    message("sent-8-days", Status.SENT, 8)
    message("sent-6-days", Status.SENT, 6)
    assert delete_old_sent_messages() == 1
    assert keys_left() == {"sent-6-days"}


def test_a_deleted_digest_is_not_sent_again_nor_its_articles(django_capture_on_commit_callbacks):
    Subscriber.objects.create(
        email="daily@example.org",
        all_news=True,
        confirmed_at=timezone.now(),
        frequency="daily",
        digest_hour=9,
        language="en",
    )
    ArticleFactory(title_en="Old news", published_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        announce_due_articles()
    today_nine = timezone.localtime().replace(hour=9, minute=30)
    sending.send_batch(announcements.gather_digests(today_nine))
    assert len(mail.outbox) == 1
    OutgoingMessage.objects.update(sent_at=timezone.now() - timedelta(days=40))

    assert delete_old_sent_messages() == 1
    assert not OutgoingMessage.objects.exists()
    # The next day's digest owes nothing, and the article is not handed out again.
    with django_capture_on_commit_callbacks(execute=True):
        announce_due_articles()
    assert announcements.gather_digests(today_nine + timedelta(days=1)) == []
    assert not Delivery.objects.filter(message__isnull=True).exists()
    assert len(mail.outbox) == 1
