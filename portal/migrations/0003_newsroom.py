"""Newsroom: edit versions on static pages, staff language preferences."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_newsroom_groups")]

    operations = []
