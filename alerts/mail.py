"""Composing e-mail: both languages unless the recipient chose one, plain text and HTML,
the Committee's name, a real From and Reply-To, no remote images.

alerts.outbox.queue() writes a message composed here to the outbox; alerts and digests
are composed when they are sent (alerts.announcements), so they show the article as it
is then.
"""

import hashlib
import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

_LINE_BREAKS = re.compile(r"[\r\n\x00-\x1f\x7f]+")


def one_line(text, limit=200):
    """Text safe for a header: control characters (CR/LF among them) become spaces."""
    return _LINE_BREAKS.sub(" ", str(text)).strip()[:limit]


def site_url(path):
    return f"{settings.SITE_URL}{path}"


def render(template, context, languages):
    """(subject, text, html) of `template` in each of `languages`, az first. `context` is a
    dict, or a function of the language giving one."""
    parts = []
    for language in languages:
        with translation.override(language):
            given = context(language) if callable(context) else context
            own = {**given, "language": language, "site_url": settings.SITE_URL}
            parts.append(
                {
                    "language": language,
                    "subject": one_line(render_to_string(f"email/{template}_subject.txt", own)),
                    "text": render_to_string(f"email/{template}.txt", own).strip(),
                    "html": render_to_string(f"email/{template}.html", own),
                    "committee": _("State Committee for Affairs of Refugees and IDPs"),
                    "automatic": _("This message was sent automatically."),
                }
            )
    subject = one_line(" / ".join(part["subject"] for part in parts), limit=300)
    text = "\n\n— — —\n\n".join(
        f"{part['text']}\n\n-- \n{part['committee']}\n{settings.SITE_URL}" for part in parts
    )
    html = render_to_string("email/layout.html", {"parts": parts, "subject": subject})
    return subject, text, html


def message_id(key):
    """The same Message-ID however often a message is tried: a mail client can tell a
    repeat from a new message."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return f"<{digest}@{domain}>"


def build(message, subject, text, html, headers=None):
    """The EmailMultiAlternatives for an outbox row."""
    email = EmailMultiAlternatives(
        subject=one_line(subject, limit=300),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        reply_to=settings.EMAIL_REPLY_TO or None,
        headers={
            "Message-ID": message_id(message.key) if message.key else make_msgid(),
            "Auto-Submitted": "auto-generated",
            **{name: one_line(value, limit=900) for name, value in (headers or {}).items()},
        },
    )
    email.attach_alternative(html, "text/html")
    return email
