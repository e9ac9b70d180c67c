"""One GIN index per language and year on the search entries (PostgreSQL only).

news.fulltext asks the index about this year and last year first. A whole language's
index holds every year's matches, and each match it finds must be read from the table
to be ordered by time; an index of one year's entries finds only that year's. Each is
a partial index whose condition is the year's range in the site's time zone, the same
range the search puts in its query, so the planner can prove that the index applies.

Only last year, this year and next year have one: the planner weighs every index of
the table on every search (about 10 µs each), and older years are only read through the
language's index anyway. Migration 0006 makes those of 2025 to 2027; `manage.py
search_year_indexes`, run once a year (cron or deploy), makes the new year's and drops
the others. A year without its index is still searched, through the whole language's
index, only more slowly.
"""

import re

from django.db import connection

from news.fulltext import year_start
from news.i18n import LANGUAGE_CODES

_NAME = re.compile(r"^search_entry_([a-z]{2})_(\d{4})_gin$")


def index_name(language, year):
    return f"search_entry_{language}_{year}_gin"


def create_statement(language, year, *, concurrently=False):
    # Only codes from settings and integers go into the statement; the time bounds are
    # quoted as literals because an index condition takes no parameters.
    since, until = (year_start(value).isoformat() for value in (year, year + 1))
    how = "CONCURRENTLY " if concurrently else ""
    return (
        f"CREATE INDEX {how}IF NOT EXISTS {index_name(language, year)} "
        f"ON news_searchentry USING gin (vector) "
        f"WHERE language = '{language}' "
        f"AND published_at >= '{since}'::timestamptz AND published_at < '{until}'::timestamptz"
    )


def existing_years():
    """{year: [index names]} of the per-year indexes there now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes "
            "WHERE schemaname = current_schema() AND tablename = 'news_searchentry'"
        )
        names = [name for (name,) in cursor.fetchall()]
    years = {}
    for name in names:
        if match := _NAME.match(name):
            years.setdefault(int(match.group(2)), []).append(name)
    return years


def create_year_indexes(years, *, execute=None, concurrently=False):
    """Make the indexes of `years` in every language that are not there yet."""
    if connection.vendor != "postgresql":
        return
    there = {name for names in existing_years().values() for name in names}
    for year in years:
        for language in LANGUAGE_CODES:
            if index_name(language, year) in there:
                continue
            statement = create_statement(language, year, concurrently=concurrently)
            if execute is None:
                with connection.cursor() as cursor:
                    cursor.execute(statement)
            else:
                execute(statement)


def drop_year_indexes(years, *, execute):
    for year in years:
        for language in LANGUAGE_CODES:
            execute(f"DROP INDEX IF EXISTS {index_name(language, year)}")


def keep_recent_year_indexes(this_year, *, concurrently=False):
    """Last year's, this year's and next year's indexes, and no others. Returns (years
    made or kept, years dropped)."""
    if connection.vendor != "postgresql":
        return [], []
    wanted = range(this_year - 1, this_year + 2)
    create_year_indexes(wanted, concurrently=concurrently)
    old = sorted(year for year in existing_years() if year not in wanted)

    def execute(statement):
        with connection.cursor() as cursor:
            cursor.execute(statement)

    drop_year_indexes(old, execute=execute)
    return list(wanted), old
