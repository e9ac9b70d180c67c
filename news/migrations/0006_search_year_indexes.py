"""A GIN index per language and year on the search entries, 2025 to 2027: the search
asks this year's and last year's first; `manage.py search_year_indexes` keeps them
current as years pass (news.search.year_indexes). PostgreSQL only.

The statements are frozen here, as they were when this migration was written, so that
moving or changing the search code never changes what this migration does.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import migrations

YEARS = range(2025, 2028)
LANGUAGES = ("az", "en")
TIME_ZONE = ZoneInfo("Asia/Baku")


def _name(language, year):
    return f"search_entry_{language}_{year}_gin"


def _bounds(year):
    since = datetime.datetime(year, 1, 1, tzinfo=TIME_ZONE)
    until = datetime.datetime(year + 1, 1, 1, tzinfo=TIME_ZONE)
    return since.isoformat(), until.isoformat()


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for year in YEARS:
        since, until = _bounds(year)
        for language in LANGUAGES:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {_name(language, year)} "
                f"ON news_searchentry USING gin (vector) "
                f"WHERE language = '{language}' "
                f"AND published_at >= '{since}'::timestamptz "
                f"AND published_at < '{until}'::timestamptz"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for year in YEARS:
        for language in LANGUAGES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {_name(language, year)}")


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0005_search_entries"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
