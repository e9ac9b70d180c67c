"""Read replicas (portal.db_router), run against a second real PostgreSQL database.

The "replica" here is a copy of the test database made with CREATE DATABASE … TEMPLATE,
then changed by hand, so every answer shows which database it was read from. The site
runs in a child process with DATABASE_REPLICA_URL pointing at it: anonymous pages are
read from the replica, a request with a session from the primary, writes (the view
counter) go to the primary, and once the primary's content version is ahead of the
replica's, pages are read from the primary until the replica catches up."""

import json
import subprocess

import psycopg2
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import RequestFactory

from news.models import Article
from portal import db_router
from tests.factories import ArticleFactory
from tests.ops_support import PYTHON, ROOT, production_env
from tests.services import missing

READER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"

# One look per process: fragments are cached per content version in the process's memory,
# and this hand-made replica differs from the primary at the same version (a real one
# never does), so a second look would be answered from the first one's fragments.
CHILD = """
import json, sys
import django
django.setup()
from django.test import Client
from core.caching.version import bump

look, path, agent = sys.argv[1:4]
client = Client(HTTP_USER_AGENT=agent)
if look == "with a session":
    client.cookies["sessionid"] = "a-session-the-site-does-not-know"
if look == "after a change":
    bump()  # a change committed on the primary: the replica has not replayed it
response = client.get(path)
print(json.dumps({"status": response.status_code, "body": response.content.decode()}))
"""


def admin_connection():
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname="postgres",
        user=settings["USER"],
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"] or None,
    )


def url_of(name):
    settings = connection.settings_dict
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{settings['PORT'] or 5432}/{name}"


@pytest.fixture
def primary_article(transactional_db):
    return ArticleFactory(title_az="Primardakı başlıq")


@pytest.fixture
def replica(primary_article):
    """A second database: a copy of the test database as it is now, the article in it."""
    if connection.vendor != "postgresql":
        missing("PostgreSQL (DATABASE_URL)")
    primary = connection.settings_dict["NAME"]
    name = f"{primary}_replica"
    connection.close()  # TEMPLATE needs nobody connected to the primary
    admin = admin_connection()
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{primary}"')
        yield name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def look_once(env, look, path):
    done = subprocess.run(  # noqa: S603
        [PYTHON, "-c", CHILD, look, path, READER_UA],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["status"] == 200, (look, path)
    return answer["body"]


def on_replica(name, sql, params=()):
    settings = connection.settings_dict
    replica_connection = psycopg2.connect(
        dbname=name,
        user=settings["USER"],
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    )
    try:
        with replica_connection, replica_connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() if cursor.description else None
    finally:
        replica_connection.close()


@pytest.mark.slow
@pytest.mark.postgres
def test_anonymous_pages_read_the_replica_and_everything_else_the_primary(primary_article, replica):
    article, replica_name = primary_article, replica
    on_replica(
        replica_name,
        "UPDATE news_article SET title_az = %s WHERE id = %s",
        ["Replikadan oxunan başlıq", article.pk],
    )
    env = production_env(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=url_of(connection.settings_dict["NAME"]),
        DATABASE_REPLICA_URL=url_of(replica_name),
        SECRET_KEY="replica-test-" + "k" * 50,
        ALLOWED_HOSTS="testserver",
        HTTPS="0",
        # Every request reads the primary's version: the change below is seen at once.
        CONTENT_VERSION_TTL="0",
        REDIS_URL="",
        VIEW_BUFFER_URL="",
    )
    seen = {
        look: look_once(env, look, path)
        for look, path in [
            ("anonymous", "/az/"),
            ("with a session", "/az/"),
            ("article", article.get_absolute_url("az")),
            ("after a change", "/az/"),
        ]
    }
    assert "Replikadan oxunan başlıq" in seen["anonymous"], "read from the replica"
    assert "Primardakı başlıq" not in seen["anonymous"]
    assert "Primardakı başlıq" in seen["with a session"], "an editor reads the primary"
    assert "Primardakı başlıq" in seen["after a change"], "a lagging replica is not used"
    # The reader's view was written to the primary, never to the replica.
    assert Article.objects.get(pk=article.pk).view_count == 1
    assert on_replica(
        replica_name, "SELECT view_count FROM news_article WHERE id = %s", [article.pk]
    ) == (0,)


# The router on its own ----------------------------------------------------------------


def test_writes_migrations_and_transactions_stay_on_the_primary():
    router = db_router.ReplicaRouter()
    assert router.db_for_write(Article) == "default"
    assert router.allow_migrate("replica", "news") is False
    assert router.allow_migrate("default", "news") is True
    assert router.db_for_read(Article) == "default", "outside an anonymous read"


def test_only_anonymous_reading_requests_may_use_the_replica(settings):
    factory = RequestFactory()
    assert db_router.is_anonymous_read(factory.get("/az/"))
    assert db_router.is_anonymous_read(factory.head("/az/"))
    assert not db_router.is_anonymous_read(factory.post("/az/muraciet/"))
    with_session = factory.get("/az/")
    with_session.COOKIES[settings.SESSION_COOKIE_NAME] = "x"
    assert not db_router.is_anonymous_read(with_session)


def test_without_a_replica_the_middleware_is_left_out():
    from django.core.exceptions import MiddlewareNotUsed

    assert "replica" not in django_settings.DATABASES
    with pytest.raises(MiddlewareNotUsed):
        db_router.ReplicaMiddleware(lambda request: None)
