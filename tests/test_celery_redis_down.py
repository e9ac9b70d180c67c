"""Redis (the broker) down: subscribing and appeals still work, their e-mail waits in the
outbox, and goes out once Redis is back and the outbox is swept (beat does it every minute).
The web side reaches Redis through a TCP proxy that the test cuts (tests.ops_support)."""

import time

import pytest

from alerts.antispam import sign_start
from alerts.models import OutgoingMessage
from alerts.tasks import dispatch_outbox
from portal.forms import sign_start as appeal_start
from portal.models import Appeal
from tests.mail_support import SmtpSink, Worker, broker, subject_of, worker_env
from tests.ops_support import TcpProxy

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]


def test_with_redis_down_forms_work_and_their_mail_goes_out_when_it_returns(
    client, transactional_db, tmp_path
):
    proxy = TcpProxy(6379)
    with proxy, SmtpSink() as sink, broker(url=f"redis://127.0.0.1:{proxy.port}/10"):
        proxy.cut()
        started = time.monotonic()
        appeal = client.post(
            "/en/appeal/",
            {
                "name": "John Smith",
                "email": "john@example.org",
                "phone": "",
                "subject": "Housing",
                "message": "A question about housing.",
                "website": "",
                "started": appeal_start(time.time() - 30),
            },
        )
        subscribed = client.post(
            "/en/alerts/",
            {
                "email": "reader@example.org",
                "language": "en",
                "all_news": "on",
                "frequency": "immediate",
                "digest_hour": "8",
                "website": "",
                "started": sign_start("alerts.subscribe.started", time.time() - 30),
            },
        )
        took = time.monotonic() - started
        assert appeal.status_code == 302
        assert subscribed.status_code == 302
        assert took < 10, f"the forms waited {took:.1f} s for the broker"
        assert Appeal.objects.count() == 1
        waiting = OutgoingMessage.objects.filter(status="pending")
        assert sorted(waiting.values_list("to", flat=True)) == [
            "john@example.org",
            "reader@example.org",
        ]
        assert sink.messages == []

        proxy.restore()
        with Worker(worker_env(sink), tmp_path) as worker:
            dispatch_outbox.delay(older_than_seconds=0)  # what beat sends every minute
            messages = sink.wait_for(2, what=f"the waiting mail\n{worker.log_tail()}")
    assert sorted(str(m["To"]).strip() for m in messages) == [
        "john@example.org",
        "reader@example.org",
    ]
    assert any(subject_of(m).startswith("Your appeal M-") for m in messages)
    assert not OutgoingMessage.objects.filter(status="pending").exists()
