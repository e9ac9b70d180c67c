"""CI runs the repository's two-server check: two gunicorn processes on one PostgreSQL
and one Redis act as one site (published on one, seen on the other within
CONTENT_VERSION_TTL; concurrent views over both add up exactly). The Redis is a
redis-server of the test's own, so the machine's Redis is never touched."""

import shutil
import subprocess

import pytest
from django.db import connection

from tests.ops_support import PYTHON, ROOT, RedisServer, free_ports
from tests.services import missing

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]


@pytest.mark.django_db
def test_two_servers_act_as_one_site(tmp_path):
    if connection.vendor != "postgresql":
        missing("PostgreSQL (DATABASE_URL)")
    binary = shutil.which("redis-server")
    if binary is None:
        missing("the redis-server binary")
    with RedisServer(tmp_path / "redis", binary=binary) as redis_server:
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
                redis_server.url,
                "--version-ttl",
                "2",
                "--within",
                "10",
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
    for line in [
        "server B serves its home page from the page cache",
        "server B shows it within 10 s",
        "after 2 s both servers show it at every look",
        "views add up exactly in the database",
    ]:
        assert f"PASS  {line}" in result.stdout, report
