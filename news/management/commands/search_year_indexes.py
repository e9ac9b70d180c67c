"""Keep the search's per-year indexes (news.search.year_indexes) current: one for every year
from the first published article's to next year, and no others. Celery beat runs it
daily, and each deploy should; outside a transaction it builds them without locking out
writers."""

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from news.search import year_indexes


class Command(BaseCommand):
    help = "Create the search's per-year GIN indexes for every year with news and drop the others."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=timezone.localdate().year)

    def handle(self, *args, year, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("Only PostgreSQL has per-year search indexes: nothing to do.")
            return
        # Without locking out writers, unless inside a transaction (which cannot).
        concurrently = not connection.in_atomic_block
        kept, dropped = year_indexes.keep_year_indexes(year, concurrently=concurrently)
        self.stdout.write(f"Search year indexes: {kept[0]}–{kept[-1]}.")
        if dropped:
            self.stdout.write(f"Dropped those of {', '.join(map(str, dropped))}.")
