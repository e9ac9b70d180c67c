"""E-mail over real SMTP (an aiosmtpd server in this process): a real From and Reply-To,
plain text and HTML, no remote images, and refusals recorded, repeated hard bounces
pausing the address."""

import pytest
from django.utils import timezone

from alerts import announcements, sending
from alerts.models import Bounce, OutgoingMessage, Subscriber
from tests.factories import ArticleFactory
from tests.mail_support import SmtpSink, subject_of, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings):
    with SmtpSink() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.DEFAULT_FROM_EMAIL = "xeberler@example.gov.az"
        settings.EMAIL_REPLY_TO = ["info@example.gov.az"]
        yield server


def subscriber(email, **fields):
    return Subscriber.objects.create(
        email=email, **{"all_news": True, "confirmed_at": timezone.now(), **fields}
    )


def test_an_alert_over_smtp_has_from_reply_to_text_and_html_and_no_remote_images(sink):
    subscriber("reader@example.org")
    article = ArticleFactory(body_en='<p>Text <img src="https://tracker.example/x.gif"></p>')
    sending.send_batch(announcements.announce(article.pk))
    [message] = sink.messages
    assert str(message["From"]).strip() == "xeberler@example.gov.az"
    assert str(message["Reply-To"]).strip() == "info@example.gov.az"
    assert str(message["Auto-Submitted"]).strip() == "auto-generated"
    assert message.get_body(("plain",)) is not None
    html = text_of(message, "html")
    assert "<img" not in html
    assert "tracker.example" not in html
    # Both languages, as none was chosen: each part marked with its language.
    assert 'lang="az"' in html
    assert 'lang="en"' in html
    assert "Dövlət Komitəsi" in text_of(message)
    assert "State Committee" in text_of(message)
    assert " / " in subject_of(message)


def test_a_refused_address_is_recorded_and_paused_after_repeated_hard_bounces(sink):
    sink.refuse.add("gone@example.org")
    subscriber("gone@example.org")
    subscriber("fine@example.org")
    for _ in range(sending.HARD_BOUNCES_TO_PAUSE):
        sending.send_batch(announcements.announce(ArticleFactory().pk))
    gone = Subscriber.objects.get(email="gone@example.org")
    assert Bounce.objects.filter(email="gone@example.org", hard=True).count() == 3
    assert gone.paused_at is not None
    assert OutgoingMessage.objects.filter(to="gone@example.org", status="failed").count() == 3
    assert len(sink.to("fine@example.org")) == 3
    # Paused: the next article is not even handed to it.
    sending.send_batch(announcements.announce(ArticleFactory().pk))
    assert OutgoingMessage.objects.filter(to="gone@example.org").count() == 3
    assert len(sink.to("fine@example.org")) == 4


def test_a_server_that_is_down_leaves_the_message_waiting(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    subscriber("reader@example.org")
    ids = announcements.announce(ArticleFactory().pk)
    assert sending.send_batch(ids) == ids  # to be tried again, with backoff
    message = OutgoingMessage.objects.get()
    assert message.status == "pending"
    assert message.attempts == 1
    assert message.last_error
