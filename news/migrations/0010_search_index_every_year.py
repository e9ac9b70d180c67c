"""A GIN index per language for every year with published news, not only 2025 to 2027:
the search asks the years one by one, newest first (news.search.fulltext), and each
year's matches are found through that year's index. `manage.py search_year_indexes`
keeps them current afterwards (news.search.year_indexes). PostgreSQL only.

The statement is frozen here, as it was when this migration was written, so that moving
or changing the search code never changes what this migration does.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import migrations

LANGUAGES = ("az", "en")
TIME_ZONE = ZoneInfo("Asia/Baku")


def _name(language, year):
    return f"search_entry_{language}_{year}_gin"


def _bounds(year):
    since = datetime.datetime(year, 1, 1, tzinfo=TIME_ZONE)
    until = datetime.datetime(year + 1, 1, 1, tzinfo=TIME_ZONE)
    return since.isoformat(), until.isoformat()


def _years(connection):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT date_part('year', published_at AT TIME ZONE 'Asia/Baku')::int "
            "FROM news_searchentry ORDER BY 1"
        )
        return [year for (year,) in cursor.fetchall()]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for year in _years(schema_editor.connection):
        since, until = _bounds(year)
        for language in LANGUAGES:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {_name(language, year)} "
                f"ON news_searchentry USING gin (vector) "
                f"WHERE language = '{language}' "
                f"AND published_at >= '{since}'::timestamptz "
                f"AND published_at < '{until}'::timestamptz"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0009_main_photo_library"),
    ]

    operations = [
        # Going back leaves them: `search_year_indexes` drops what it does not want.
        migrations.RunPython(create, migrations.RunPython.noop, elidable=False),
    ]
