"""`migrate` and `check --database` warn when this year's search indexes are missing."""

import io

import pytest
from django.core import checks
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from news.search import year_indexes
from tests.services import missing


def _check_output():
    """What the database checks (run by `migrate` and `check --database`) report."""
    found = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
    return "\n".join(f"{message.id}: {message.msg}" for message in found)


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_missing_index_for_this_year_is_a_warning_until_the_command_makes_it():
    if connection.vendor != "postgresql":
        missing("PostgreSQL")
    year = timezone.localdate().year
    year_indexes.create_year_indexes(year_indexes.wanted_years(year))
    assert "news.W001" not in _check_output()

    year_indexes.drop_year_indexes([year])
    output = _check_output()
    assert "news.W001" in output
    assert f"indexes for {year} are missing" in output

    call_command("search_year_indexes", stdout=io.StringIO())
    assert "news.W001" not in _check_output()
