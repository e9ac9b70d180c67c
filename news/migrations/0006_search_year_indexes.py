"""A GIN index per language and year on the search entries, 2025 to 2027: news.fulltext
asks this year's and last year's first; `manage.py search_year_indexes` keeps them
current as years pass (news.search_indexes). PostgreSQL only."""

from django.db import migrations

from news import search_indexes

YEARS = range(2025, 2028)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    search_indexes.create_year_indexes(YEARS, execute=schema_editor.execute)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    search_indexes.drop_year_indexes(YEARS, execute=schema_editor.execute)


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0005_search_entries"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
