"""One GIN index per language and year on the search entries (PostgreSQL only).

news.search.fulltext asks the index one year at a time, newest first, and stops at the
year where it has found enough. A whole language's index holds every year's matches,
and each match it finds must be read from the table to be ordered by time; an index of
one year's entries finds only that year's. Each is a partial index whose condition is
the year's range in the site's time zone, the same range the search puts in its query,
so the planner can prove that the index applies.

Every year from the first published article's to next year has one (together they are
the size of the language's index). Migration 0006 made those of 2025 to 2027;
`manage.py search_year_indexes`, run by Celery beat every day and with each deploy,
makes any that are missing (a new year, a backdated article) and drops those outside
that range. A year without its index is still searched, through the whole language's
index, only more slowly.
"""

import re

from django.db import connection

from core.i18n import LANGUAGE_CODES
from news.search.fulltext import first_year, year_bounds

_NAME = re.compile(r"^search_entry_([a-z]{2})_(\d{4})_gin$")


def index_name(language, year):
    return f"search_entry_{language}_{year}_gin"


def create_statement(language, year, *, concurrently=False):
    # Only codes from settings and integers go into the statement; the time bounds are
    # quoted as literals because an index condition takes no parameters.
    since, until = (bound.isoformat() for bound in year_bounds(year))
    how = "CONCURRENTLY " if concurrently else ""
    return (
        f"CREATE INDEX {how}IF NOT EXISTS {index_name(language, year)} "
        f"ON news_searchentry USING gin (vector) "
        f"WHERE language = '{language}' "
        f"AND published_at >= '{since}'::timestamptz AND published_at < '{until}'::timestamptz"
    )


def index_names(year):
    """The names of `year`'s indexes, one per language."""
    return [index_name(language, year) for language in LANGUAGE_CODES]


def existing():
    """The names of the per-year indexes there are now."""
    return {name for name in _existing_names() if _NAME.match(name)}


def _existing_names():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes "
            "WHERE schemaname = current_schema() AND tablename = 'news_searchentry'"
        )
        return {name for (name,) in cursor.fetchall()}


def existing_years():
    """The years that have a per-year index now (in any language)."""
    return {int(_NAME.match(name).group(2)) for name in existing()}


def _execute(statement):
    with connection.cursor() as cursor:
        cursor.execute(statement)


def create_year_indexes(years, *, execute=_execute, concurrently=False):
    """Make the indexes of `years` in every language that are not there yet."""
    if connection.vendor != "postgresql":
        return
    there = _existing_names()
    for year in years:
        for language in LANGUAGE_CODES:
            if index_name(language, year) not in there:
                execute(create_statement(language, year, concurrently=concurrently))


def drop_year_indexes(years, *, execute=_execute):
    for year in years:
        for language in LANGUAGE_CODES:
            execute(f"DROP INDEX IF EXISTS {index_name(language, year)}")


def wanted_years(this_year):
    """Every year from the first published article's (or this year) to next year."""
    return range(first_year(this_year), this_year + 2)


def keep_year_indexes(this_year, *, concurrently=False):
    """The indexes of wanted_years(this_year), and no others. Returns (years made or
    kept, years dropped)."""
    if connection.vendor != "postgresql":
        return [], []
    wanted = wanted_years(this_year)
    create_year_indexes(wanted, concurrently=concurrently)
    old = sorted(year for year in existing_years() if year not in wanted)
    drop_year_indexes(old)
    return list(wanted), old
