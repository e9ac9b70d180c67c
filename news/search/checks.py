"""A system check: this year's search indexes exist (news.search.year_indexes).

The indexes are made for three years at a time by `manage.py search_year_indexes`; a
year that starts without its index is searched more slowly, silently. Tagged
`database`, so `migrate` and `check --database default` (every deploy) warn about it
instead of relying on someone remembering a yearly cron job.
"""

from django.core import checks
from django.db import DatabaseError, connections
from django.utils import timezone

from news.search import year_indexes


@checks.register(checks.Tags.database)
def this_years_search_indexes(app_configs=None, databases=None, **kwargs):
    if not databases or "default" not in databases:
        return []
    if connections["default"].vendor != "postgresql":
        return []
    year = timezone.localdate().year
    try:
        missing = sorted(
            name for name in year_indexes.index_names(year) if name not in year_indexes.existing()
        )
    except DatabaseError:
        return []  # the database checks report an unreachable database themselves
    if not missing:
        return []
    return [
        checks.Warning(
            f"The search's indexes for {year} are missing: {', '.join(missing)}.",
            hint="Run `manage.py search_year_indexes` (once a year, or with each deploy).",
            id="news.W001",
        )
    ]
