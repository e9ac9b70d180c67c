"""The project package. The Celery app loads with Django, so jobs queue from any process."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
