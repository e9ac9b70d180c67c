"""Readers: topics and places, withdrawal notices."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("news", "0007_newsroom")]

    operations = []
