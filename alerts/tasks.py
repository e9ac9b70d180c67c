"""The alerts' background jobs. Each is safe to run twice, late, or on two workers at once."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alerts import announcements, sending
from alerts.jobs import enqueue
from alerts.models import Delivery, OutgoingMessage

logger = logging.getLogger(__name__)

BATCH = 50
# A waiting message older than this was never queued (broker down) or its job was lost.
STALE_AFTER = timedelta(minutes=2)


def send_soon(ids):
    """Queue the messages `ids` for sending, BATCH to a job, after the transaction commits."""
    ids = list(ids)
    for start in range(0, len(ids), BATCH):
        enqueue(send_messages, ids[start : start + BATCH])


@shared_task(
    bind=True,
    max_retries=sending.MAX_ATTEMPTS,
    retry_backoff=True,
    retry_backoff_max=3600,
    acks_late=True,
)
def send_messages(self, ids):
    """Send a batch; what met a temporary failure is tried again later, with backoff."""
    again = sending.send_batch(ids)
    if again:
        countdown = min(3600, 30 * 2**self.request.retries)
        raise self.retry(args=[again], countdown=countdown)


@shared_task(acks_late=True)
def announce_article(article_id):
    send_soon(announcements.announce(article_id))


@shared_task(acks_late=True)
def announce_articles(article_ids):
    for article_id in article_ids:
        send_soon(announcements.announce(article_id))


@shared_task(acks_late=True)
def send_due_digests():
    send_soon(announcements.gather_digests())


@shared_task(acks_late=True)
def dispatch_outbox(older_than_seconds=None):
    """Queue every message still waiting after STALE_AFTER: the broker was down when it
    was written, or its job was lost. Sending claims each row, so a message queued twice
    still goes once."""
    ids = list(
        OutgoingMessage.objects.filter(
            status=OutgoingMessage.Status.PENDING,
            created_at__lte=timezone.now()
            - (
                STALE_AFTER if older_than_seconds is None else timedelta(seconds=older_than_seconds)
            ),
        )
        .order_by("created_at")
        .values_list("id", flat=True)[:20_000]
    )
    if ids:
        logger.info("outbox: %d waiting messages queued again", len(ids))
    send_soon(ids)
    return len(ids)


DELETE_CHUNK = 5000


def delete_sent_before(cutoff):
    """Delete the messages sent before `cutoff`, in chunks of DELETE_CHUNK; waiting, failed
    and skipped ones stay (a failed one is the record of a refusal). Returns how many went.

    The deliveries that a deleted message carried go with it: left with no message they
    would look owed to the next digest. The article's Announcement stays, so it is never
    handed out again."""
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(
                OutgoingMessage.objects.filter(
                    status=OutgoingMessage.Status.SENT, sent_at__lt=cutoff
                )
                .order_by("sent_at")
                .values_list("id", flat=True)[:DELETE_CHUNK]
            )
            if not ids:
                return deleted
            Delivery.objects.filter(message_id__in=ids).delete()
            deleted += (
                OutgoingMessage.objects.filter(id__in=ids)
                .delete()[1]
                .get(OutgoingMessage._meta.label, 0)
            )


@shared_task(acks_late=True)
def delete_old_sent_messages():
    """Beat runs this nightly: sent messages older than OUTBOX_RETENTION_DAYS leave the
    outbox. The per-article delivery records (alerts.Delivery) stay, so nothing is sent
    again."""
    deleted = delete_sent_before(timezone.now() - timedelta(days=settings.OUTBOX_RETENTION_DAYS))
    if deleted:
        logger.info("outbox: %d sent messages deleted", deleted)
    return deleted
