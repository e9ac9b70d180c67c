"""The Celery app: the periodic jobs beat sends are all registered tasks, and with no
broker configured (make run) jobs run in-process."""

from news import newsroom
from portal.celery import app, periodic_jobs


def test_every_periodic_job_is_a_registered_task():
    app.loader.import_default_modules()
    jobs = periodic_jobs()
    assert {
        "announce-due-articles",
        "flush-view-buffers",
        "keep-search-year-indexes",
        "dispatch-outbox",
        "send-due-digests",
        "anonymise-old-appeals",
        "delete-old-sent-messages",
    } <= set(jobs)
    assert ("clean-abandoned-uploads" in jobs) == hasattr(newsroom, "clean_abandoned_uploads")
    for job in jobs.values():
        assert job["task"] in app.tasks, job["task"]


def test_jobs_are_acknowledged_late_and_given_back_by_a_dead_worker():
    assert app.conf.task_acks_late
    assert app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1


def test_without_a_broker_jobs_run_in_process(settings):
    # The test settings set no REDIS_URL or CELERY_BROKER_URL, as `make run` does.
    assert settings.CELERY_TASK_ALWAYS_EAGER
    assert app.conf.task_always_eager
