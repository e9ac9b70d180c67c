"""The news app's periodic jobs, run by Celery beat (portal/celery.py).

Announcing: a scheduled article goes live when its time comes, with no request to notice
it. Every minute the articles that went live in the last ANNOUNCE_WINDOW are named in the
`articles_live` signal; whoever listens (alerts) announces each one once and ignores the rest.
"""

from datetime import timedelta

from celery import shared_task
from django.core.management import call_command
from django.dispatch import Signal
from django.utils import timezone

from news import newsroom, view_counts
from news.models import Article

ANNOUNCE_WINDOW = timedelta(days=1)

# Sent with `article_ids`: articles readers can see now, published within ANNOUNCE_WINDOW.
articles_live = Signal()


@shared_task(acks_late=True)
def announce_due_articles():
    now = timezone.now()
    ids = list(
        Article.objects.published(now)
        .filter(published_at__gte=now - ANNOUNCE_WINDOW)
        .order_by("published_at")
        .values_list("id", flat=True)
    )
    if ids:
        articles_live.send(sender=Article, article_ids=ids)
    return len(ids)


@shared_task(acks_late=True)
def flush_view_buffers():
    """Write buffered view counts to the database (each web worker also flushes its own)."""
    return view_counts.flush()


@shared_task(acks_late=True)
def keep_search_year_indexes():
    """A search index for every year with news and for next year, made without locking
    writers (news.search.year_indexes)."""
    call_command("search_year_indexes")


@shared_task(acks_late=True)
def clean_abandoned_uploads():
    """The newsroom's clean-up of uploads no article kept (scheduled only if it exists)."""
    clean = getattr(newsroom, "clean_abandoned_uploads", None)
    return clean() if clean is not None else None
