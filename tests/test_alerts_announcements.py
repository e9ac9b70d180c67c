"""Articles to subscribers: announced once per subscriber ever, never when withdrawn, when
a scheduled article falls due, alone or in the daily digest, in the subscriber's language
with the site's fallback. Jobs in-process; Django's test outbox."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from alerts import announcements
from alerts.models import Delivery, OutgoingMessage, Subscriber
from alerts.tasks import send_due_digests
from news.models import Article
from news.tasks import announce_due_articles
from tests.factories import ArticleFactory, CategoryFactory, azerbaijani_only

pytestmark = pytest.mark.django_db


def fresh(**fields):
    """An article published a minute ago: the factory's dates go back an hour per article
    made in the session, past the day that announcing looks back on."""
    return ArticleFactory(**{"published_at": timezone.now() - timedelta(minutes=1), **fields})


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Run a periodic job and every job it queued, as `make run` does without a broker."""

    def run(job, *args):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            job(*args)
        # Jobs queued by those jobs (the fan-out queues the sending).
        while callbacks:
            pending = list(callbacks)
            callbacks.clear()
            with django_capture_on_commit_callbacks(execute=True) as more:
                for callback in pending:
                    callback()
            callbacks.extend(more)

    return run


def reader(email="reader@example.org", **fields):
    return Subscriber.objects.create(
        email=email, **{"all_news": True, "confirmed_at": timezone.now(), **fields}
    )


def test_an_article_is_announced_once_even_when_edited_withdrawn_and_republished(run_jobs):
    reader()
    article = fresh()
    run_jobs(announce_due_articles)
    assert len(mail.outbox) == 1
    article.title_en = "Edited"
    article.save()
    run_jobs(announce_due_articles)
    article.status = Article.Status.WITHDRAWN
    article.withdrawn_reason_en = "Mistake"
    article.save()
    run_jobs(announce_due_articles)
    article.status = Article.Status.PUBLISHED
    article.save()
    run_jobs(announce_due_articles)
    assert len(mail.outbox) == 1
    assert Delivery.objects.count() == 1


def test_a_withdrawn_article_is_never_announced(run_jobs):
    reader()
    fresh(status=Article.Status.WITHDRAWN, withdrawn_reason_en="Mistake")
    run_jobs(announce_due_articles)
    assert mail.outbox == []


def test_an_article_withdrawn_before_its_alert_went_is_not_sent(run_jobs):
    reader()
    article = fresh()
    ids = announcements.announce(article.pk)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.WITHDRAWN)
    from alerts import sending

    sending.send_batch(ids)
    assert mail.outbox == []
    assert OutgoingMessage.objects.get().status == "skipped"


def test_a_scheduled_article_is_announced_when_it_falls_due(run_jobs):
    reader()
    article = fresh(published_at=timezone.now() + timedelta(minutes=5))
    run_jobs(announce_due_articles)
    assert mail.outbox == []
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now())
    run_jobs(announce_due_articles)
    assert len(mail.outbox) == 1


def test_only_followers_of_the_section_or_tag_hear_of_it(run_jobs):
    section, other = CategoryFactory(), CategoryFactory()
    follower = reader("section@example.org", all_news=False)
    follower.categories.add(section)
    stranger = reader("other@example.org", all_news=False)
    stranger.categories.add(other)
    reader("pending@example.org", confirmed_at=None)
    reader("paused@example.org", paused_at=timezone.now())
    reader("gone@example.org", unsubscribed_at=timezone.now())
    fresh(category=section)
    run_jobs(announce_due_articles)
    assert [m.to for m in mail.outbox] == [["section@example.org"]]


def test_the_alert_is_in_the_chosen_language_with_the_sites_fallback(run_jobs):
    reader("en@example.org", language="en")
    azerbaijani_only(
        title_az="Yalnız Azərbaycan dilində",
        lead_az="Qısa məzmun",
        published_at=timezone.now() - timedelta(minutes=1),
    )
    run_jobs(announce_due_articles)
    [message] = mail.outbox
    assert "Yalnız Azərbaycan dilində" in message.subject
    assert "not yet translated" in message.body
    assert "Qısa məzmun" in message.body
    html = message.alternatives[0][0]
    assert 'lang="az"' in html
    assert "Read it" in html
    assert "Oxuyun" not in html  # English only: the reader chose it


def test_the_daily_digest_waits_for_its_hour_in_baku(run_jobs):
    reader("daily@example.org", frequency="daily", digest_hour=9, language="en")
    fresh(title_en="Morning news")
    fresh(title_en="Later news")
    run_jobs(announce_due_articles)
    assert mail.outbox == []
    baku_eight = timezone.localtime().replace(hour=8, minute=30)
    assert announcements.gather_digests(baku_eight) == []
    baku_nine = baku_eight.replace(hour=9)
    run_jobs(lambda: announcements.gather_digests(baku_nine) and send_due_digests())
    ids = list(OutgoingMessage.objects.filter(kind="digest").values_list("id", flat=True))
    assert len(ids) == 1
    from alerts import sending

    sending.send_batch(ids)
    [digest] = mail.outbox
    assert digest.subject == "News of the day: 2 articles"
    assert "Morning news" in digest.body
    assert "Later news" in digest.body
    assert announcements.gather_digests(baku_nine) == []  # once a day
