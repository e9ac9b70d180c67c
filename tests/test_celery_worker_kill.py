"""A worker killed (SIGKILL) in the middle of a batch: once a new worker takes over, every
message arrives, and none twice."""

import collections
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import OutgoingMessage, Subscriber
from news.tasks import announce_due_articles
from tests.factories import ArticleFactory
from tests.mail_support import SmtpSink, Worker, broker, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]


def fresh(**fields):
    """An article published a minute ago: the factory's dates go back an hour per article
    made in the session, past the day that announcing looks back on."""
    return ArticleFactory(**{"published_at": timezone.now() - timedelta(minutes=1), **fields})


READERS = 40


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    transactional_db, tmp_path
):
    now = timezone.now()
    Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n}@example.org", all_news=True, confirmed_at=now)
        for n in range(READERS)
    )
    # Each recipient takes the server 0.15 s: one batch of 40 takes about 6 s.
    with SmtpSink(rcpt_delay=0.15) as sink, broker():
        env = worker_env(sink)
        first = Worker(env, tmp_path)
        first.start()
        try:
            fresh(title_en="Mid-batch")
            announce_due_articles.delay()
            sink.wait_for(8, what=f"the first messages\n{first.log_tail()}")
        finally:
            first.kill()
        arrived_before = len(sink.messages)
        assert arrived_before < READERS, "the batch ended before the kill: nothing was tested"
        with Worker(env, tmp_path) as second:
            # The killed job comes back after the visibility timeout (4 s in the tests).
            sink.wait_for(READERS, timeout=60, what=f"after the restart\n{second.log_tail()}")
            time.sleep(6)  # time for any duplicate to show up
            messages = sink.quiet_for(1)
    recipients = collections.Counter(str(m["To"]).strip() for m in messages)
    assert len(recipients) == READERS
    assert max(recipients.values()) == 1, recipients.most_common(3)
    assert OutgoingMessage.objects.filter(status="sent").count() == READERS
