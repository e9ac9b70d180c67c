"""Media on shared storage (docs/scaling.md): the storage is a setting, and two app servers
that share one media folder (an NFS mount in production, a local folder here: the
filesystem backend) serve what either of them stored."""

import json
import subprocess

import pytest
from django.core.files.storage import default_storage

from tests.factories import ArticleFactory, make_photo
from tests.ops_support import (
    PYTHON,
    ROOT,
    SECRET,
    Gunicorn,
    free_ports,
    http_get,
    production_env,
)

SHOW_STORAGE = """
import json
import django
django.setup()
from django.core.files.storage import storages
media = storages["default"]
print(json.dumps({"class": type(media).__module__ + "." + type(media).__name__,
                  "location": str(media.location), "base_url": media.base_url}))
"""


def storage_in_production(**env):
    done = subprocess.run(  # noqa: S603
        [PYTHON, "-c", SHOW_STORAGE],
        cwd=ROOT,
        env=production_env(
            DJANGO_SETTINGS_MODULE="portal.settings",
            SECRET_KEY=SECRET,
            ALLOWED_HOSTS="127.0.0.1",
            **env,
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_the_media_storage_is_a_setting(tmp_path):
    default = storage_in_production(MEDIA_ROOT=str(tmp_path / "local"))
    assert default == {
        "class": "django.core.files.storage.filesystem.FileSystemStorage",
        "location": str(tmp_path / "local"),
        "base_url": "/media/",
    }
    shared = tmp_path / "nfs"
    chosen = storage_in_production(
        MEDIA_STORAGE_BACKEND="django.core.files.storage.FileSystemStorage",
        MEDIA_STORAGE_OPTIONS=json.dumps({"location": str(shared), "base_url": "/media/"}),
    )
    assert chosen["location"] == str(shared)


@pytest.mark.slow
def test_options_that_are_not_json_stop_the_site_at_start():
    done = subprocess.run(  # noqa: S603
        [PYTHON, "-c", SHOW_STORAGE],
        cwd=ROOT,
        env=production_env(
            DJANGO_SETTINGS_MODULE="portal.settings",
            SECRET_KEY=SECRET,
            ALLOWED_HOSTS="127.0.0.1",
            MEDIA_STORAGE_OPTIONS="{location: /srv}",
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "MEDIA_STORAGE_OPTIONS is not JSON" in done.stderr


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_app_servers_on_one_shared_folder_serve_each_others_uploads(media_root, tmp_path):
    """An editor's upload stored by one server (this process) is served by two others."""
    article = ArticleFactory()
    photo = make_photo(article, alt_az="Şəkil")
    stored = photo.image.name
    assert default_storage.exists(stored)
    env = production_env(
        DJANGO_SETTINGS_MODULE="tests.ops_settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{_database_name()}",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1",
        HTTPS="0",
        MEDIA_ROOT=str(media_root),
    )
    first, second = free_ports(2)
    with (
        Gunicorn(env, port=first, workers=1, log_path=tmp_path / "a.log") as server_a,
        Gunicorn(env, port=second, workers=1, log_path=tmp_path / "b.log") as server_b,
    ):
        bodies = []
        for server in (server_a, server_b):
            status, headers, body = http_get(f"{server.url}/media/{stored}")
            assert status == 200, server.log_tail()
            assert headers["Content-Type"] == "image/png"
            bodies.append(body)
    assert bodies[0] == bodies[1] == (media_root / stored).read_bytes()


def _database_name():
    from django.db import connection

    return connection.settings_dict["NAME"]
