"""The Celery app: `celery -A portal worker` runs jobs, `celery -A portal beat` schedules them.

Redis is the broker and there is no result backend: no job's caller waits for an answer.
Jobs are acknowledged late and given back when a worker dies, so a job cut short runs
again; each job is idempotent in the database (see alerts.sending), so running twice sends
nothing twice. With no broker configured (`make run`) jobs run in the web process once the
transaction commits (alerts.jobs.enqueue). See docs/notifications.md.
"""

import os

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_acks_late=True,
    # A worker killed mid-job (SIGKILL, out of memory) gives the job back, not drops it.
    task_reject_on_worker_lost=True,
    # One job at a time per process: a dead worker takes only one job's delivery with it.
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    result_backend=None,
    result_expires=None,  # no results, so no nightly clean-up job for them
    # Jobs outside the apps' tasks.py modules (found by autodiscover_tasks below).
    imports=("portal.appeals",),
    timezone="Asia/Baku",
    enable_utc=True,
    worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
    # A web request never waits long on a broker that is down: one immediate retry (on a
    # fresh connection, for one the pool kept from before an outage), then it gives up and
    # the outbox row waits for the next sweep (alerts.tasks.dispatch_outbox).
    task_publish_retry=True,
    task_publish_retry_policy={
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    },
    broker_transport_options={
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
    },
)
app.autodiscover_tasks()


@signals.import_modules.connect
def _configure_after_django(sender=None, **kwargs):
    """Once Django is set up (the Django fixup's own handler ran first): the visibility
    timeout from the settings, and the periodic jobs, which depend on what is installed."""
    from django.conf import settings  # noqa: PLC0415 - settings are read after setup

    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "visibility_timeout": settings.CELERY_VISIBILITY_TIMEOUT,
        # Look for jobs of dead workers at least every 10 s (kombu's default is ~100 s).
        "unacked_restore_interval": min(10, settings.CELERY_VISIBILITY_TIMEOUT),
        "unacked_restore_throttle": 1,
    }
    app.conf.beat_schedule = periodic_jobs()


def periodic_jobs():
    """What beat sends, and when. Each job is safe to run twice or late."""
    from news import newsroom  # noqa: PLC0415 - models must be loaded first

    jobs = {
        "announce-due-articles": {"task": "news.tasks.announce_due_articles", "schedule": 60},
        "flush-view-buffers": {"task": "news.tasks.flush_view_buffers", "schedule": 30},
        "keep-search-year-indexes": {
            "task": "news.tasks.keep_search_year_indexes",
            "schedule": crontab(minute=17, hour=3),
        },
        "dispatch-outbox": {"task": "alerts.tasks.dispatch_outbox", "schedule": 60},
        "send-due-digests": {"task": "alerts.tasks.send_due_digests", "schedule": 300},
        "delete-old-sent-messages": {
            "task": "alerts.tasks.delete_old_sent_messages",
            "schedule": crontab(minute=53, hour=2),
        },
        "anonymise-old-appeals": {
            "task": "portal.appeals.anonymise_old_appeals",
            "schedule": crontab(minute=41, hour=2),
        },
    }
    # Written for the newsroom's issue; scheduled only once it exists.
    if hasattr(newsroom, "clean_abandoned_uploads"):
        jobs["clean-abandoned-uploads"] = {
            "task": "news.tasks.clean_abandoned_uploads",
            "schedule": crontab(minute=23, hour="*/6"),
        }
    return jobs
