"""Give every stored photo renditions under content-hashed names (news.newsroom.images).

Renditions named the old way keep working with a week's cache; this makes the hashed ones,
which are cached for a year, for all existing photos at once instead of at their next save.
Running it again does nothing more.
"""

from django.core.management.base import BaseCommand

from news.newsroom import upgrade_renditions


class Command(BaseCommand):
    help = "Make hashed, year-cached renditions for photos still named the old way."

    def handle(self, *args, **options):
        done = upgrade_renditions()
        self.stdout.write(f"{done} image(s) given hashed renditions")
