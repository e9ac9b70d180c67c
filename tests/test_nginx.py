"""The shipped nginx front (deploy/nginx/), run for real: Debian's nginx as the current
user with the configuration rendered into a temporary folder, a self-signed certificate
made with openssl, and gunicorn with the project's gunicorn.conf.py behind it, as
`make stack` and docs/operations.md run them.

What a reader, an editor and an attacker would notice: HTTPS only, headers and compression,
static files and uploads from nginx, a one-second micro-cache for anonymous pages that
never holds an editor's page nor loses an article view, the client's real address for
login throttling, slow clients held by nginx, oversized bodies refused at the door."""

import contextlib
import gzip
import http.client
import json
import re
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import translation

from portal.media import MEDIA_CSP
from tests.factories import PASSWORD, ArticleFactory, staff_user
from tests.factories.photos import image_bytes
from tests.ops_support import (
    ROOT,
    SECRET,
    Gunicorn,
    free_ports,
    production_env,
    run_manage,
)
from tests.services import missing

sys.path.insert(0, str(ROOT / "scripts"))
import stack  # scripts/stack.py: what `make stack` runs

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.security]

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


class Front:
    """The running stack: nginx's two ports, gunicorn, the folders nginx serves."""

    def __init__(self, nginx, app, static_root, media_root, cert):
        self.nginx = nginx
        self.app = app
        self.static_root = static_root
        self.media_root = media_root
        self.context = ssl.create_default_context(cafile=str(cert))

    def request(self, method, path, *, headers=None, body=None, source=None, timeout=10):
        """(status, headers, raw body) over HTTPS, from `source` (another loopback
        address) if given; redirects are not followed, nothing is decompressed."""
        conn = http.client.HTTPSConnection(
            "127.0.0.1",
            self.nginx.https_port,
            context=self.context,
            timeout=timeout,
            source_address=(source, 0) if source else None,
        )
        try:
            conn.request(
                method, path, body=body, headers={"User-Agent": BROWSER, **(headers or {})}
            )
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def origin(self):
        return f"https://127.0.0.1:{self.nginx.https_port}"


def _start_nginx(folder, app, static_root, media_root):
    """nginx on two free ports; another session may take a port meanwhile: try again."""
    for attempt in range(3):
        https_port, http_port = free_ports(2)
        nginx = stack.Nginx(
            folder / f"nginx-{attempt}",
            upstreams=[f"127.0.0.1:{app.port}"],
            static_root=static_root,
            media_root=media_root,
            https_port=https_port,
            http_port=http_port,
        )
        try:
            return nginx.__enter__()
        except RuntimeError:
            if attempt == 2:
                raise
    return None


@pytest.fixture(scope="module")
def front(tmp_path_factory, django_db_setup, django_db_blocker):
    if stack.nginx_binary() is None:
        missing("Debian's nginx (apt-get install nginx)")
    if shutil.which("openssl") is None:
        missing("openssl")
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            missing("PostgreSQL (DATABASE_URL)")
        name = connection.settings_dict["NAME"]
        env = production_env(
            DJANGO_SETTINGS_MODULE="tests.ops_settings",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{name}",
            SECRET_KEY=SECRET,
            ALLOWED_HOSTS="127.0.0.1",
            HTTPS="1",
            TRUST_PROXY_HEADERS="1",
            TRUSTED_PROXIES="127.0.0.1",
            SERVE_MEDIA="0",
            CONTENT_VERSION_TTL="0.5",
        )
    folder = tmp_path_factory.mktemp("front")
    static_root, media_root = folder / "static", folder / "media"
    media_root.mkdir()
    # collectstatic as in production: hashed names and compressed copies.
    collected = run_manage(
        "collectstatic",
        "--noinput",
        env=production_env(
            DJANGO_SETTINGS_MODULE="portal.settings",
            SECRET_KEY=SECRET,
            ALLOWED_HOSTS="127.0.0.1",
            STATIC_ROOT=str(static_root),
        ),
        timeout=300,
    )
    assert collected.returncode == 0, collected.stderr[-2000:]
    env["MEDIA_ROOT"] = str(media_root)
    with Gunicorn(env, workers=2, log_path=folder / "gunicorn.log") as app:
        nginx = _start_nginx(folder, app, static_root, media_root)
        try:
            yield Front(nginx, app, static_root, media_root, nginx.prefix / "tls" / "cert.pem")
        finally:
            nginx.stop()


def azerbaijani(name, **kwargs):
    with translation.override("az"):
        return reverse(name, **kwargs)


# Configuration and TLS -------------------------------------------------------------------


def test_the_shipped_configuration_passes_nginx_t(front):
    passed, said = front.nginx.test_config()
    assert passed, said
    assert "[warn]" not in said, said


def test_the_production_rendering_passes_nginx_t_in_debians_own_layout(tmp_path):
    """As the walk in docs/operations.md installs it: site.conf in sites-enabled, inside
    Debian's /etc/nginx/nginx.conf (a copy, pointed at our sites-enabled)."""
    debian = Path("/etc/nginx/nginx.conf")
    if stack.nginx_binary() is None or not debian.exists():
        missing("Debian's nginx (apt-get install nginx)")
    cert, key = stack.certificate(tmp_path / "tls")
    (tmp_path / "sites-enabled").mkdir()
    args = stack.render.parser().parse_args(
        [
            "--out",
            str(tmp_path / "portal"),
            "--server-name",
            "news.example.gov.az",
            "--static-root",
            "/srv/portal/static",
            "--media-root",
            "/srv/portal/media",
            "--certificate",
            str(cert),
            "--certificate-key",
            str(key),
            "--cache-dir",
            str(tmp_path / "cache"),
            "--access-log",
            str(tmp_path / "access.log"),
        ]
    )
    (tmp_path / "sites-enabled" / "portal").symlink_to(stack.render.render(args))
    main = tmp_path / "nginx.conf"
    # Logs and pid in the test's folder too, so that a user who is not root can run it.
    text = debian.read_text().replace("/etc/nginx/sites-enabled", str(tmp_path / "sites-enabled"))
    text = text.replace("/var/log/nginx/", f"{tmp_path}/").replace("/run/nginx.pid", f"{main}.pid")
    main.write_text(text)
    done = subprocess.run(  # noqa: S603
        [stack.nginx_binary(), "-t", "-c", str(main), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "[warn]" not in done.stderr, done.stderr


def test_http_redirects_to_https_with_the_same_address(front):
    conn = http.client.HTTPConnection("127.0.0.1", front.nginx.http_port, timeout=5)
    conn.request("GET", "/az/axtaris/?q=L%C9%99%C3%A7%C4%B1n")
    response = conn.getresponse()
    assert response.status == 301
    assert response.headers["Location"] == f"{front.origin()}/az/axtaris/?q=L%C9%99%C3%A7%C4%B1n"
    conn.close()


def test_tls_is_1_3_only_and_offers_http2(front):
    context = ssl.create_default_context(cafile=str(front.nginx.prefix / "tls" / "cert.pem"))
    context.set_alpn_protocols(["h2", "http/1.1"])
    with (
        socket.create_connection(("127.0.0.1", front.nginx.https_port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.version() == "TLSv1.3"
        assert tls.selected_alpn_protocol() == "h2"
    old = ssl.create_default_context(cafile=str(front.nginx.prefix / "tls" / "cert.pem"))
    old.maximum_version = ssl.TLSVersion.TLSv1_2
    with (
        socket.create_connection(("127.0.0.1", front.nginx.https_port), timeout=5) as raw,
        pytest.raises(ssl.SSLError),
    ):
        old.wrap_socket(raw, server_hostname="127.0.0.1")


# Headers and compression -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_pages_keep_the_sites_headers_and_html_and_feeds_are_compressed(front):
    ArticleFactory()
    for path, marker in [("/az/", b"<html"), (azerbaijani("news:feed_rss"), b"<rss")]:
        status, headers, body = front.get(path, headers={"Accept-Encoding": "gzip"})
        assert status == 200, (path, front.app.log_tail())
        assert headers["Content-Encoding"] == "gzip", path
        assert marker in gzip.decompress(body), path
        assert "Accept-Encoding" in headers["Vary"]
        # The site's own headers come through, once each, HTTPS seen through the proxy.
        assert headers["Strict-Transport-Security"].startswith("max-age=63072000")
        assert len(headers.get_all("Strict-Transport-Security")) == 1
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"]), "nginx's request id"
        assert "nginx/" not in headers.get("Server", "")


@pytest.mark.django_db(transaction=True)
def test_static_files_are_served_by_nginx_with_whitenoises_headers(front):
    manifest = json.loads((front.static_root / "staticfiles.json").read_text())["paths"]
    _, page_headers, _ = front.get("/livez")
    for name in ("css/site.css", "js/site.js", "fonts/noto-sans-latin-wght.woff2"):
        path = f"/static/{manifest[name]}"
        status, headers, body = front.get(path, headers={"Accept-Encoding": "gzip"})
        assert status == 200, path
        assert "X-Request-ID" not in headers, "answered by nginx, not by Django"
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert headers["Content-Security-Policy"] == settings.STATIC_FILES_CSP
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Strict-Transport-Security"].startswith("max-age=63072000")
        for same in ("Permissions-Policy", "Referrer-Policy", "Cross-Origin-Opener-Policy"):
            assert headers[same] == page_headers[same], same
        fonts = name.startswith("fonts/")
        assert headers.get("Access-Control-Allow-Origin") == ("*" if fonts else None)
        if not fonts:
            assert headers["Content-Encoding"] == "gzip", "whitenoise's .gz copy"
            assert "charset=utf-8" in headers["Content-Type"]
            assert gzip.decompress(body) == (front.static_root / manifest[name]).read_bytes()
    status, headers, _ = front.get("/static/css/no-such-file.css")
    assert status == 404
    assert "X-Request-ID" in headers, "the site's own 404 page"


@pytest.mark.django_db(transaction=True)
def test_uploads_are_served_by_nginx_with_the_media_headers(front):
    (front.media_root / "photos").mkdir(exist_ok=True)
    (front.media_root / "photos" / "a.jpg").write_bytes(image_bytes())
    (front.media_root / "documents").mkdir(exist_ok=True)
    (front.media_root / "documents" / "law.pdf").write_bytes(b"%PDF-1.4\n")
    (front.media_root / "documents" / "page.html").write_bytes(b"<script>alert(1)</script>")
    (front.media_root / ".secret").write_text("no")
    status, headers, _ = front.get("/media/photos/a.jpg")
    assert status == 200
    assert headers["Content-Type"] == "image/jpeg"
    assert "Content-Disposition" not in headers
    for path in ("/media/documents/law.pdf", "/media/documents/page.html"):
        status, headers, _ = front.get(path)
        assert status == 200, path
        assert headers["Content-Disposition"] == "attachment", path
    for answer in (headers, front.get("/media/photos/a.jpg")[1]):
        assert "X-Request-ID" not in answer
        assert answer["X-Content-Type-Options"] == "nosniff"
        assert answer["Content-Security-Policy"] == MEDIA_CSP
        assert answer["Cross-Origin-Resource-Policy"] == "same-origin"
        assert answer["Cache-Control"] == "public, max-age=604800"
    # A rendition's name carries a hash of its bytes (news.newsroom.images): kept a year.
    rendition = "/media/gallery/2026/05/a.0123456789abcdef-640.jpg"
    (front.media_root / "gallery" / "2026" / "05").mkdir(parents=True, exist_ok=True)
    (front.media_root / rendition.removeprefix("/media/")).write_bytes(image_bytes())
    status, headers, _ = front.get(rendition)
    assert status == 200
    assert headers["Content-Type"] == "image/jpeg"
    assert "Content-Disposition" not in headers
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Security-Policy"] == MEDIA_CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    status, headers, _ = front.get(
        rendition, headers={"If-Modified-Since": headers["Last-Modified"]}
    )
    assert status == 304
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    status, headers, _ = front.get("/media/gallery/2026/05/gone.0123456789abcdef-640.jpg")
    assert status == 404
    assert "immutable" not in headers.get("Cache-Control", "")
    assert front.get("/media/.secret")[0] == 404
    assert front.get("/media/../settings.py")[0] in {400, 404}


# The micro-cache -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_micro_cache_serves_anonymous_pages_and_a_publish_shows_within_2_s(front):
    ArticleFactory(title_az="Köhnə xəbər")
    front.get("/az/")
    answers = [front.get("/az/")[1] for _ in range(5)]
    assert "HIT" in [headers["X-Cache"] for headers in answers]
    # Each answer has its own request id, cached or not.
    assert len({headers["X-Request-ID"] for headers in answers}) == 5
    title = "Təzə xəbər nginx-in arxasında"
    ArticleFactory(title_az=title)
    published = time.monotonic()
    while title.encode() not in front.get("/az/")[2]:
        assert time.monotonic() - published < 2.0, "the publish did not show within 2 s"
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_forms_and_no_store_answers_are_never_micro_cached(front):
    appeal = azerbaijani("portal:appeal")
    for path in (appeal, appeal, appeal, "/readyz", "/readyz", "/readyz"):
        status, headers, _ = front.get(path)
        assert status == 200, path
        assert headers["X-Cache"] != "HIT", path
    assert "no-store" in front.get("/readyz")[1]["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_article_views_through_the_micro_cache_are_counted_exactly(front):
    article = ArticleFactory()
    path = article.get_absolute_url("az")
    answers = 0
    for _ in range(25):
        status, headers, _ = front.get(path)
        assert status == 200
        assert headers["X-Cache"] != "HIT", "an article page must reach its view counter"
        answers += 1
    article.refresh_from_db()
    assert article.view_count == answers


def login_form(front, source=None):
    """The admin's login form as a browser gets it: (its CSRF cookie, the form's token)."""
    status, headers, body = front.get("/admin/login/", source=source)
    assert status == 200
    csrf = next(
        cookie.split(";", 1)[0]
        for cookie in headers.get_all("Set-Cookie")
        if cookie.startswith("__Host-csrftoken=")
    )
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    return csrf, token


def post_login(front, username, password, source=None, extra=None):
    """The login form posted back through nginx, as a browser posts it."""
    csrf, token = login_form(front, source)
    form = {"csrfmiddlewaretoken": token, "username": username, "password": password}
    return front.request(
        "POST",
        "/admin/login/?next=/admin/",
        body=urlencode(form),
        source=source,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": csrf,
            # The browser's Origin has the port: it must match the Host nginx passes on.
            "Origin": front.origin(),
            **(extra or {}),
        },
    )


@pytest.mark.django_db(transaction=True)
def test_an_editors_session_is_never_cached(front):
    staff_user("nginx-editor", is_superuser=True)
    status, headers, _ = post_login(front, "nginx-editor", PASSWORD)
    assert status == 302, "a POST through nginx passes the CSRF check"
    session = next(
        cookie.split(";", 1)[0]
        for cookie in headers.get_all("Set-Cookie")
        if cookie.startswith("__Host-sessionid=")
    )
    for path in ("/admin/", "/az/", "/admin/", "/az/"):
        status, headers, _ = front.get(path, headers={"Cookie": session})
        assert status == 200, path
        assert headers["X-Cache"] != "HIT", path
    status, _, _ = front.get("/admin/")
    assert status == 302, "an anonymous reader never gets the editor's admin page"
    assert b"nginx-editor" not in front.get("/az/")[2]


# The client's address --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_login_throttling_sees_the_real_client_and_ignores_a_spoofed_forwarded_for(front):
    staff_user("nginx-target")
    # Loopback has a whole /8: these clients really connect from 127.0.0.2 and .3.
    for source, spoof in [("127.0.0.2", "203.0.113.7"), ("127.0.0.3", None)]:
        extra = {"X-Forwarded-For": spoof, "X-Real-IP": spoof} if spoof else {}
        status, _, _ = post_login(front, "nginx-target", "wrong-password-1", source, extra)
        assert status == 200, "the login form again, with an error"
    addresses = set(AccessAttempt.objects.values_list("ip_address", flat=True))
    assert addresses == {"127.0.0.2", "127.0.0.3"}


# Slow clients and big bodies -------------------------------------------------------------


def test_100_slow_header_connections_do_not_delay_a_normal_request(front):
    stop = threading.Event()
    sockets = []
    context = ssl.create_default_context(cafile=str(front.nginx.prefix / "tls" / "cert.pem"))
    try:
        for _ in range(100):
            raw = socket.create_connection(("127.0.0.1", front.nginx.https_port), timeout=5)
            tls = context.wrap_socket(raw, server_hostname="127.0.0.1")
            tls.sendall(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            sockets.append(tls)

        def drip():
            while not stop.wait(1):
                for tls in sockets:
                    with contextlib.suppress(OSError):
                        tls.sendall(b"x")

        dripper = threading.Thread(target=drip, daemon=True)
        dripper.start()
        times = []
        for _ in range(8):
            started = time.monotonic()
            status, _, _ = front.get("/livez", timeout=5)
            times.append(time.monotonic() - started)
            assert status == 200
            time.sleep(0.5)
        assert max(times) < 1.0, times
    finally:
        stop.set()
        for tls in sockets:
            with contextlib.suppress(OSError):
                tls.close()


def raw_post(front, path, length):
    """Headers of a POST declaring `length` bytes, and nginx's answer before any body."""
    context = ssl.create_default_context(cafile=str(front.nginx.prefix / "tls" / "cert.pem"))
    with (
        socket.create_connection(("127.0.0.1", front.nginx.https_port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{front.nginx.https_port}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {length}\r\n\r\n".encode()
        )
        answer = b""
        with contextlib.suppress(TimeoutError, ConnectionError, ssl.SSLError):
            while b"\r\n\r\n" not in answer:
                chunk = tls.recv(65536)
                if not chunk:
                    break
                answer += chunk
    return answer


def test_an_overlong_body_is_refused_by_nginx(front):
    since = front.app.log_size()
    for path, length in [("/az/muraciet/", 2 * 1024 * 1024), ("/admin/login/", 64 * 1024 * 1024)]:
        started = time.monotonic()
        answer = raw_post(front, path, length)
        assert answer.startswith(b"HTTP/1.1 413"), (path, answer[:200])
        assert time.monotonic() - started < 2, "without waiting for the body"
    time.sleep(0.5)
    with open(front.app.log_path, "rb") as log:
        log.seek(since)
        seen = log.read().decode(errors="replace")
    assert '"POST"' not in seen, "gunicorn never saw them"
