"""Delete uploads kept after a failed save that nobody came back for (news.newsroom.pending).

Celery beat runs `news.newsroom.clean_abandoned_uploads` on a schedule; this command does
the same by hand, e.g. from cron on a server without the worker.
"""

import datetime

from django.core.management.base import BaseCommand

from news.newsroom import clean_abandoned_uploads
from news.newsroom.pending import MAX_AGE


class Command(BaseCommand):
    help = "Delete kept uploads of failed saves older than --hours (default 24)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=MAX_AGE.total_seconds() / 3600)

    def handle(self, *args, hours, **options):
        deleted = clean_abandoned_uploads(datetime.timedelta(hours=hours))
        self.stdout.write(f"{deleted} abandoned upload(s) deleted")
