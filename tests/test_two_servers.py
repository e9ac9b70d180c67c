"""CI runs the repository's two-server check: two gunicorn processes on one PostgreSQL
and one Redis act as one site (publish on one, seen on the other at once; concurrent
views over both add up exactly)."""

import subprocess

import pytest
import redis
from django.db import connection

from tests.ops_support import PYTHON, ROOT, free_ports


@pytest.mark.postgres
@pytest.mark.django_db
def test_two_servers_act_as_one_site():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    try:
        redis.Redis(host="127.0.0.1", port=6379).ping()
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    ports = ",".join(map(str, free_ports(2)))
    result = subprocess.run(  # noqa: S603
        [
            PYTHON,
            "scripts/two_servers.py",
            "--ports",
            ports,
            "--database",
            # Per test database: sessions running the suite side by side do not collide.
            f"{connection.settings_dict['NAME']}_two_servers",
            "--redis-url",
            "redis://127.0.0.1:6379/9",
            "--views",
            "120",
            "--concurrency",
            "12",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "RESULT: PASS" in result.stdout
    assert "FAIL" not in result.stdout.replace("RESULT: PASS", "")
    assert "views add up exactly in the database" in result.stdout
