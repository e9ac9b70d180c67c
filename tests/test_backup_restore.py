"""`make backup` / `make restore`: a dump restored into an empty database, with the media
tarball restored into an empty folder, serves the same articles and the same photos."""

import re
import subprocess

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.db import connection

from news.models import Article
from tests.factories import ArticleFactory
from tests.ops_support import ROOT, SECRET, Gunicorn, http_get, production_env

# Both run scripts/backup.sh or restore.sh, the first also a gunicorn.
pytestmark = pytest.mark.slow


def _admin_connection():
    settings = connection.settings_dict
    conn = psycopg2.connect(
        dbname="postgres",
        user=settings["USER"] or "postgres",
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"] or None,
    )
    conn.autocommit = True
    return conn


def _admin(*statements):
    conn = _admin_connection()
    try:
        with conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        conn.close()


@pytest.fixture
def empty_database():
    # Named after this session's test database, so parallel sessions never share it.
    name = f"{connection.settings_dict['NAME']}_restored"
    _admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    yield f"postgres://postgres@127.0.0.1:5432/{name}"
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _script(name, *args, env):
    result = subprocess.run(  # noqa: S603
        [str(ROOT / "scripts" / name), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_restored_into_an_empty_database_serves_the_same_articles(
    tmp_path, settings, empty_database
):
    source_media = tmp_path / "media"
    settings.MEDIA_ROOT = source_media
    articles = [ArticleFactory() for _ in range(3)]
    articles[0].photo.save("backup-photo.jpg", ContentFile(b"\xff\xd8\xff\xe0 photo bytes"))
    photo_name = Article.objects.get(pk=articles[0].pk).photo.name
    source_url = f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}"

    env = production_env(DATABASE_URL=source_url, MEDIA_ROOT=source_media)
    backup = _script("backup.sh", str(tmp_path / "backups"), env=env)
    assert backup.returncode == 0, backup.stderr
    folder = backup.stdout.strip().splitlines()[-1]
    assert (tmp_path / "backups").exists()

    restored_media = tmp_path / "restored-media"
    env = production_env(DATABASE_URL=empty_database, MEDIA_ROOT=restored_media)
    restore = _script("restore.sh", folder, env=env)
    assert restore.returncode == 0, restore.stderr
    assert (restored_media / photo_name).read_bytes() == b"\xff\xd8\xff\xe0 photo bytes"
    # The restored site keys its caches by versions the source never used, so pages
    # cached before the restore in a shared Redis can never be served for it.
    source_version = _version(source_url)
    restored_version = _version(empty_database)
    assert restored_version > source_version + 1
    # A second restore into the now full database is refused, not mixed in.
    again = _script("restore.sh", folder, env=env)
    assert again.returncode != 0
    assert "restore into an empty one" in again.stderr

    server_env = production_env(
        DJANGO_SETTINGS_MODULE="tests.ops_settings",
        DATABASE_URL=empty_database,
        MEDIA_ROOT=restored_media,
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1",
        HTTPS="0",
    )
    with Gunicorn(server_env, workers=1, log_path=tmp_path / "gunicorn.log") as server:
        for article in articles:
            status, _headers, body = http_get(server.url + article.get_absolute_url("az"))
            assert status == 200
            assert article.title_az in body.decode()
        status, _headers, body = http_get(server.url + "/en/news/")
        listed = set(re.findall(r"News headline \d+", body.decode()))
        assert listed == {article.title_en for article in articles}
        status, _headers, body = http_get(f"{server.url}/media/{photo_name}")
        assert status == 200
        assert body == b"\xff\xd8\xff\xe0 photo bytes"


def _version(url):
    result = subprocess.run(  # noqa: S603
        ["psql", url, "-tAc", "SELECT version FROM core_contentversion WHERE id = 1"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.strip())


def test_backup_refuses_a_database_that_is_not_postgresql(tmp_path):
    env = production_env(DATABASE_URL="sqlite:///db.sqlite3", MEDIA_ROOT=tmp_path)
    result = _script("backup.sh", str(tmp_path / "backups"), env=env)
    assert result.returncode == 2
    assert "not a PostgreSQL URL" in result.stderr
