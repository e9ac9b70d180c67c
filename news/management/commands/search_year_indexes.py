"""Make the search's per-year indexes (news.search_indexes) up to a year, by default
five years from now. Run it once a year, or before the years of migration 0006 run out;
it builds them without locking out writers and keeps those already there."""

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from news import search_indexes


class Command(BaseCommand):
    help = "Create the search's per-year GIN indexes up to --through (default: five years on)."

    def add_arguments(self, parser):
        parser.add_argument("--through", type=int, default=timezone.localdate().year + 5)

    def handle(self, *args, through, **options):
        this_year = timezone.localdate().year
        years = range(min(this_year - 1, search_indexes.FIRST_YEAR), through + 1)
        # Without locking out writers, unless inside a transaction (which cannot).
        concurrently = not connection.in_atomic_block
        search_indexes.create_year_indexes(years, concurrently=concurrently)
        self.stdout.write(f"Search year indexes present for {years.start}–{years.stop - 1}.")
