"""One GIN index per language and year on the search entries (PostgreSQL only).

news.fulltext asks the index about this year and last year first. A whole language's
index holds every year's matches, and each match it finds must be read from the table
to be ordered by time; an index of one year's entries finds only that year's. Each is
a partial index whose condition is the year's range in the site's time zone, the same
range the search puts in its query, so the planner can prove that the index applies.

Migration 0006 makes the indexes for FIRST_YEAR to LAST_YEAR; `manage.py
search_year_indexes` makes those of later years. A year without its index is still
searched, through the whole language's index, only more slowly.
"""

from django.db import connection

from news.fulltext import year_start
from news.i18n import LANGUAGE_CODES

FIRST_YEAR = 2024
LAST_YEAR = 2035


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


def create_year_indexes(years, *, execute=None, concurrently=False):
    """Make the indexes of `years` in every language that are not there yet."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes "
            "WHERE schemaname = current_schema() AND tablename = 'news_searchentry'"
        )
        existing = {name for (name,) in cursor.fetchall()}
    for year in years:
        for language in LANGUAGE_CODES:
            if index_name(language, year) in existing:
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
