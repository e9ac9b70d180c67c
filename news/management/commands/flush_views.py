"""Write the view counts waiting in the Redis buffer to the database now.

Workers flush by themselves every VIEW_FLUSH_SECONDS; this is for deploys, cron as a
safety net, and the benchmark, which needs exact totals at a known moment.
"""

from django.core.management.base import BaseCommand

from news import view_counts


class Command(BaseCommand):
    help = "Flush buffered view counts from Redis to the database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--orphans-now",
            action="store_true",
            help="Also take batches left by a dead flusher without waiting for them to age.",
        )

    def handle(self, *args, orphans_now, **options):
        if not view_counts.buffer.enabled():
            self.stdout.write("No view buffer configured (VIEW_BUFFER_URL / REDIS_URL unset).")
            return
        written = view_counts.flush(orphan_seconds=0 if orphans_now else None)
        self.stdout.write(f"Flushed {written} views.")
