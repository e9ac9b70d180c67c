#!/usr/bin/env python
"""The whole production stack on this machine: nginx in front of gunicorn (and the Celery
worker and beat once portal/celery.py exists), with production settings.

    make stack                          # https://127.0.0.1:8443 until Ctrl-C
    STACK_PORT=9443 make stack

What it does, as a deployer would (docs/operations.md):

1. makes a self-signed certificate for 127.0.0.1 and localhost with openssl;
2. creates the database STACK_DATABASE (default portal_stack) if missing, migrates it,
   loads the demo content into a new one, collects static files;
3. starts gunicorn with gunicorn.conf.py on 127.0.0.1:STACK_APP_PORT (default 8001),
   behind the proxy (TRUST_PROXY_HEADERS=1, SERVE_MEDIA=0);
4. renders deploy/nginx/ (deploy/render.py), checks it with `nginx -t`, and starts
   Debian's nginx as the current user with everything under .stack/ (git-ignored):
   HTTPS on STACK_PORT, the redirect from HTTP on STACK_HTTP_PORT (default 8080).

Ctrl-C (or SIGTERM) stops everything it started. The nginx test (tests/test_nginx.py) and
the benchmark's nginx mode (bench/run.py) use the same pieces: `Nginx`, `certificate`.
"""

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))

import render  # noqa: E402 - deploy/render.py: standard library only

BIN = ROOT / ".venv" / "bin"


def nginx_binary():
    """Debian's nginx (in /usr/sbin, often not on an ordinary user's PATH), or None."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    return found


def certificate(folder, names=("127.0.0.1", "localhost")):
    """A self-signed certificate and key for `names`, made with openssl; (cert, key)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    if cert.exists() and key.exists():
        return cert, key
    alt = ",".join(f"IP:{name}" if name[0].isdigit() else f"DNS:{name}" for name in names)
    subprocess.run(  # noqa: S603
        [  # noqa: S607
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "30",
            "-subj",
            f"/CN={names[0]}",
            "-addext",
            f"subjectAltName={alt}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class Nginx:
    """Debian's nginx run as the current user with the shipped configuration rendered into
    `prefix`: pid, logs, cache and temporary files all inside it."""

    def __init__(
        self,
        prefix,
        *,
        upstreams,
        static_root,
        media_root,
        https_port,
        http_port,
        server_names=("127.0.0.1", "localhost"),
        worker_processes="1",
    ):
        self.prefix = Path(prefix).resolve()
        self.https_port = https_port
        self.http_port = http_port
        self.process = None
        cert, key = certificate(self.prefix / "tls", server_names)
        args = render.parser().parse_args(
            [
                "--out",
                str(self.prefix / "portal"),
                "--standalone",
                str(self.prefix),
                "--server-name",
                *server_names,
                "--upstream",
                *upstreams,
                "--static-root",
                str(static_root),
                "--media-root",
                str(media_root),
                "--certificate",
                str(cert),
                "--certificate-key",
                str(key),
                "--listen",
                "127.0.0.1",
                "--http-port",
                str(http_port),
                "--https-port",
                str(https_port),
                "--cache-dir",
                str(self.prefix / "cache"),
                "--access-log",
                str(self.prefix / "access.log"),
                "--worker-processes",
                str(worker_processes),
            ]
        )
        self.conf = render.render(args)
        self.binary = nginx_binary()

    @property
    def url(self):
        return f"https://127.0.0.1:{self.https_port}"

    def command(self, *extra):
        return [
            self.binary,
            "-p",
            str(self.prefix),
            "-c",
            str(self.conf),
            "-e",
            str(self.prefix / "error.log"),
            *extra,
        ]

    def test_config(self):
        """`nginx -t`: (passed, what it said)."""
        done = subprocess.run(self.command("-t"), capture_output=True, text=True, check=False)  # noqa: S603
        return done.returncode == 0, done.stderr

    def __enter__(self):
        passed, said = self.test_config()
        if not passed:
            raise RuntimeError(f"nginx -t failed:\n{said}")
        self.process = subprocess.Popen(  # noqa: S603
            self.command("-g", "daemon off;"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited:\n{self.error_log()}")
            with contextlib.suppress(OSError):
                import socket

                with socket.create_connection(("127.0.0.1", self.https_port), timeout=1):
                    return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"nginx did not listen on {self.https_port}:\n{self.error_log()}")

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.process and self.process.poll() is None:
            # SIGQUIT: nginx's graceful shutdown (requests in flight finish).
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def error_log(self, lines=30):
        path = self.prefix / "error.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# make stack --------------------------------------------------------------------------


def _env_port(name, default):
    return int(os.environ.get(name, "").strip() or default)


def stack_env(database_url, app_port, static_root, media_root):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "TEST_DATABASE_NAME"}
    }
    env.setdefault("SECRET_KEY", "stack-" + secrets.token_urlsafe(48))
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/12")
    env.setdefault("CACHE_KEY_PREFIX", "stack")
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(media_root),
        GUNICORN_BIND=f"127.0.0.1:{app_port}",
        # Behind nginx: its X-Forwarded-* count (from 127.0.0.1 only), it serves /media/,
        # see deploy/portal.env.example.
        TRUST_PROXY_HEADERS="1",
        TRUSTED_PROXIES="127.0.0.1",
        SERVE_MEDIA="0",
        CONTENT_VERSION_TTL=env.get("CONTENT_VERSION_TTL", "0.5"),
        PYTHONUNBUFFERED="1",
    )
    return env


def ensure_database(url):
    """Creates the database `url` names if missing; True when it did."""
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1]
    connection = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    finally:
        connection.close()


def _start(command, env, log):
    return subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def _stop(process, sig=signal.SIGTERM, timeout=30):
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main():  # noqa: PLR0912, PLR0915 - one deployer's walk, in order
    if nginx_binary() is None:
        sys.exit("nginx is needed: apt-get install nginx")
    folder = ROOT / ".stack"
    folder.mkdir(exist_ok=True)
    https_port = _env_port("STACK_PORT", 8443)
    http_port = _env_port("STACK_HTTP_PORT", 8080)
    app_port = _env_port("STACK_APP_PORT", 8001)
    database_url = os.environ.get(
        "STACK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_stack"
    )
    static_root = Path(os.environ.get("STATIC_ROOT", folder / "static"))
    media_root = Path(os.environ.get("MEDIA_ROOT", folder / "media"))
    media_root.mkdir(parents=True, exist_ok=True)
    env = stack_env(database_url, app_port, static_root, media_root)
    python = str(BIN / "python")
    created = ensure_database(database_url)
    subprocess.run(  # noqa: S603
        [python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    if created:
        subprocess.run([python, "manage.py", "load_demo"], cwd=ROOT, env=env, check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    processes = []
    logs = folder / "logs"
    logs.mkdir(exist_ok=True)
    try:
        with open(logs / "gunicorn.log", "a") as log:
            processes.append(_start([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"], env, log))
        if (ROOT / "portal" / "celery.py").exists() and (BIN / "celery").exists():
            for role in ("worker", "beat"):
                with open(logs / f"celery-{role}.log", "a") as log:
                    command = [str(BIN / "celery"), "-A", "portal", role, "-l", "info"]
                    if role == "beat":
                        command += ["--schedule", str(folder / "celerybeat-schedule")]
                    processes.append(_start(command, env, log))
        deadline = time.monotonic() + 30
        while True:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"http://127.0.0.1:{app_port}/livez", timeout=1),
            ):
                break
            if time.monotonic() > deadline or processes[0].poll() is not None:
                sys.exit(f"gunicorn did not start: see {logs / 'gunicorn.log'}")
            time.sleep(0.3)
        nginx = Nginx(
            folder / "nginx",
            upstreams=[f"127.0.0.1:{app_port}"],
            static_root=static_root,
            media_root=media_root,
            https_port=https_port,
            http_port=http_port,
            worker_processes="auto",
        )
        with nginx:
            print(
                f"The stack runs: {nginx.url}/az/ (self-signed: curl -k), HTTP on "
                f"{http_port} redirects there, gunicorn on 127.0.0.1:{app_port}.\n"
                f"Logs: {logs}/ and {nginx.prefix}/access.log. Ctrl-C stops it.",
                flush=True,
            )
            stop = []
            signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
            try:
                while not stop and all(p.poll() is None for p in processes):
                    time.sleep(0.5)
            except KeyboardInterrupt:
                pass
            for process in processes:
                if process.poll() is not None:
                    print(f"{process.args[0]} exited ({process.returncode}); stopping")
    finally:
        for process in reversed(processes):
            _stop(process)


if __name__ == "__main__":
    main()
