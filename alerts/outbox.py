"""The outbox: every e-mail is a row written in the transaction that caused it, then sent
by the workers after the commit (alerts.tasks). If the broker is down the row waits for
the next sweep; its key makes queuing the same message twice a no-op."""

from alerts import mail, tasks
from alerts.models import OutgoingMessage


def queue(template, to, context, *, key, languages, kind=None, headers=None, **fields):
    """Write one message to the outbox (a second call with the same key does nothing) and
    have it sent after the transaction commits. Returns the message, or None if it was
    queued before."""
    subject, text, html = mail.render(template, context, languages)
    message, created = OutgoingMessage.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind or template,
            "to": to,
            "subject": subject,
            "text": text,
            "html": html,
            "headers": headers or {},
            **fields,
        },
    )
    if not created:
        return None
    tasks.send_soon([message.pk])
    return message
