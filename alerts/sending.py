"""Sending the outbox: each message at most once, a batch per SMTP connection.

A message is claimed by locking its row (SELECT … FOR UPDATE SKIP LOCKED) in a
transaction that stays open while the SMTP server takes it, and is marked sent in that
same transaction. A worker killed before the commit leaves the row as it was, waiting,
so the job that runs again sends it; a second worker running the same job at the same
time skips the locked row. The one gap left is a kill between the server's "250 OK" and
the commit: then the message goes again, with the same Message-ID (alerts.mail).
"""

import logging
import smtplib

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from alerts import announcements
from alerts.mail import build
from alerts.models import Bounce, OutgoingMessage, Subscriber

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
HARD_BOUNCES_TO_PAUSE = 3
TEMPORARY = "temporary"


def send_batch(ids):
    """Send the waiting messages among `ids` over one connection. Returns the ids that met a
    temporary failure (the caller retries them later)."""
    connection = get_connection(fail_silently=False)
    again = []
    try:
        for pk in ids:
            if _send_one(connection, pk) == TEMPORARY:
                again.append(pk)
    finally:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            logger.info("SMTP connection closed uncleanly")
    return again


def _send_one(connection, pk):
    with transaction.atomic():
        message = (
            OutgoingMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=OutgoingMessage.Status.PENDING)
            .first()
        )
        if message is None:  # sent already, or another worker holds it right now
            return None
        content = announcements.compose(message)
        if content is None:  # withdrawn, unsubscribed, paused: nothing to say any more
            message.status = OutgoingMessage.Status.SKIPPED
            message.save(update_fields=["status"])
            return None
        outcome = None
        try:
            # Opened once and kept for the batch (send_messages alone would open and close
            # a connection per message); after an error it is opened afresh.
            connection.open()
            connection.send_messages([build(message, *content)])
        except smtplib.SMTPRecipientsRefused as error:
            code, diagnostic = next(iter(error.recipients.values()))
            outcome = _refused(message, code, diagnostic)
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
            outcome = _refused(message, error.smtp_code, error.smtp_error)
        except (smtplib.SMTPException, OSError) as error:
            # The server or the network: the connection is reopened for the next message.
            connection.close()
            outcome = _temporary(message, error)
        else:
            message.status = OutgoingMessage.Status.SENT
            message.sent_at = timezone.now()
        message.attempts += 1
        message.save(update_fields=["status", "sent_at", "attempts", "last_error"])
        return outcome


def _refused(message, code, diagnostic):
    text = diagnostic.decode(errors="replace") if isinstance(diagnostic, bytes) else diagnostic
    if code and code >= 500:
        record_bounce(message.to, hard=True, diagnostic=f"{code} {text}")
        message.status = OutgoingMessage.Status.FAILED
        message.last_error = f"{code} {text}"[:500]
        return None
    return _temporary(message, f"{code} {text}")


def _temporary(message, error):
    message.last_error = str(error)[:500]
    if message.attempts + 1 >= MAX_ATTEMPTS:
        message.status = OutgoingMessage.Status.FAILED
        return None
    return TEMPORARY


def record_bounce(email, *, hard, diagnostic=""):
    """Record a refusal; an address refused for good HARD_BOUNCES_TO_PAUSE times gets no
    more alerts until its owner subscribes again."""
    Bounce.objects.create(email=email, hard=hard, diagnostic=str(diagnostic)[:500])
    if not hard:
        return
    Subscriber.objects.filter(email=email).update(hard_bounces=F("hard_bounces") + 1)
    Subscriber.objects.filter(
        email=email, hard_bounces__gte=HARD_BOUNCES_TO_PAUSE, paused_at__isnull=True
    ).update(paused_at=timezone.now())
