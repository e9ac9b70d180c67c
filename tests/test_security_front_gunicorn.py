"""The front of the site over a real socket to gunicorn with the project's gunicorn.conf.py:
an oversized appeal is refused at once without the server waiting for the body, gunicorn's
own limits answer 4xx, static files carry their headers in the production configuration,
and two slow clients are enough to stop a gunicorn that faces clients directly."""

import contextlib
import json
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from portal.appeals import MAX_BODY_BYTES
from tests.ops_support import (
    SECRET,
    Gunicorn,
    gunicorn_env,
    http_get,
    production_env,
    read_answer,
    run_manage,
)

pytestmark = [pytest.mark.slow, pytest.mark.security]

APPEAL = "/az/muraciet/"


def csrf_cookie(server):
    """The CSRF cookie the form hands anyone: with it, Django's CSRF check reads the body."""
    status, headers, _body = http_get(server.url + APPEAL)
    assert status == 200, server.log_tail()
    cookie = next(c for c in headers.get_all("Set-Cookie") if c.startswith("csrftoken="))
    return f"Cookie: {cookie.split(';', 1)[0]}\r\n"


def post_head(extra, content_type="application/x-www-form-urlencoded"):
    return (
        f"POST {APPEAL} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n{extra}\r\n"
    ).encode()


@pytest.fixture
def server(tmp_path):
    with Gunicorn(gunicorn_env(), workers=2, log_path=tmp_path / "gunicorn.log") as running:
        yield running


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_declared_gigabyte_is_answered_413_at_once(server):
    """Multipart: without the limit, the CSRF check would read it all into a temporary file
    (a urlencoded body over DATA_UPLOAD_MAX_MEMORY_SIZE Django refuses by itself, with 400)."""
    multipart = "multipart/form-data; boundary=b0undary"
    part = b'--b0undary\r\nContent-Disposition: form-data; name="f"; filename="f"\r\n\r\n'
    cookie = csrf_cookie(server)
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(post_head(f"Content-Length: {1 << 30}\r\n{cookie}", multipart))
        sock.sendall(part + b"x" * 4096)  # a few KB of the gigabyte, then nothing more
        started = time.monotonic()
        status, data = read_answer(sock, timeout=5)
        elapsed = time.monotonic() - started
    assert status == 413, (data[:300], server.log_tail())
    assert elapsed < 2, elapsed  # answered without waiting for the rest
    assert "Göndərilən məlumat çox böyükdür".encode() in data
    assert http_get(server.url + "/livez")[0] == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_chunked_body_over_the_limit_is_answered_413(server):
    chunk, cookie = b"x" * 16384, csrf_cookie(server)
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(post_head(f"Transfer-Encoding: chunked\r\n{cookie}"))
        for _ in range(MAX_BODY_BYTES // len(chunk) + 2):
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        sock.sendall(b"0\r\n\r\n")
        status, data = read_answer(sock)
    assert status == 413, (data[:300], server.log_tail())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_gunicorn_refuses_an_overlong_request_line_and_too_many_headers(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET /az/" + b"a" * 5000 + b"/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        status, _data = read_answer(sock)
    assert status == 414
    headers = b"".join(b"X-Field-%d: x\r\n" % number for number in range(120))
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + b"\r\n")
        status, _data = read_answer(sock)
    assert status == 431
    assert http_get(server.url + "/livez")[0] == 200


# Static files in the production configuration -------------------------------------------


def test_collected_static_files_carry_their_headers_in_production(tmp_path):
    """collectstatic as in production (hashed, compressed), then gunicorn with the
    production settings behind a proxy that says HTTPS."""
    env = production_env(
        DJANGO_SETTINGS_MODULE="portal.settings",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(tmp_path / "static"),
        TRUST_PROXY_HEADERS="1",
    )
    collected = run_manage("collectstatic", "--noinput", env=env, timeout=300)
    assert collected.returncode == 0, collected.stderr[-2000:]
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    files = {
        "css": manifest["css/site.css"],
        "js": manifest["js/site.js"],
        "image": manifest["img/emblem.svg"],
        "font": manifest["fonts/noto-sans-latin-wght.woff2"],
    }
    with Gunicorn(env, workers=1, log_path=tmp_path / "gunicorn.log") as running:
        for kind, name in files.items():
            for encoding in ("identity", "gzip"):
                status, headers, _body = http_get(
                    f"{running.url}/static/{name}",
                    headers={"X-Forwarded-Proto": "https", "Accept-Encoding": encoding},
                )
                where = (kind, encoding, name)
                assert status == 200, (where, running.log_tail())
                assert headers["Content-Security-Policy"] == settings.STATIC_FILES_CSP, where
                assert headers["X-Frame-Options"] == "DENY", where
                assert headers["X-Content-Type-Options"] == "nosniff", where
                assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", where
                assert headers["Cross-Origin-Opener-Policy"] == "same-origin", where
                assert headers["Strict-Transport-Security"].startswith("max-age="), where
                assert "immutable" in headers["Cache-Control"], where
                origins = headers.get("Access-Control-Allow-Origin")
                assert origins == ("*" if kind == "font" else None), where


# Slow clients -----------------------------------------------------------------------------


def slow_client(port, stop):
    """Send a request's headers a byte every 2 s and never finish them (Slowloris)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        while not stop.wait(2):
            with contextlib.suppress(OSError):
                sock.sendall(b"x")


def livez_answers(url):
    try:
        with urllib.request.urlopen(url + "/livez", timeout=1) as response:  # noqa: S310
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def test_two_slow_clients_stop_a_gunicorn_that_faces_them(tmp_path):
    """Why gunicorn must sit behind a buffering proxy (docs/operations.md, step 5): its
    two sync workers each wait on one slow client's headers, and nobody else is served.
    scripts/slow_clients.py measures for how long."""
    env = production_env(
        DJANGO_SETTINGS_MODULE="tests.settings",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1",
        HTTPS="0",
    )
    with Gunicorn(env, workers=2, log_path=tmp_path / "gunicorn.log") as running:
        assert livez_answers(running.url)
        stop = threading.Event()
        clients = [
            threading.Thread(target=slow_client, args=(running.port, stop), daemon=True)
            for _ in range(2)
        ]
        for thread in clients:
            thread.start()
        try:
            time.sleep(1)
            answered = [livez_answers(running.url) for _ in range(5)]
        finally:
            stop.set()
            for thread in clients:
                thread.join(timeout=5)
        assert answered == [False] * 5
        deadline = time.monotonic() + 10
        while not livez_answers(running.url):
            assert time.monotonic() < deadline, running.log_tail()
