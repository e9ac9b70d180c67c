"""Helpers for tests that run the site as a separate process: a clean production-like
environment, free ports in this area's range, a TCP proxy that can cut a connection,
and a gunicorn launcher."""

import contextlib
import os
import select
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
# Ports given to the security/operations tests (8200-8209 are for scripts run by hand).
TEST_PORTS = range(8210, 8220)
SECRET = "ops-tests-" + "k" * 60
# Variables the pytest process set for itself that must not leak into a "production" child.
_SCRUBBED = {
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "HTTPS",
    "TRUST_PROXY_HEADERS",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "REDIS_URL",
    "PAGE_CACHE_SECONDS",
    "TEST_DATABASE_NAME",
    # Set by the browser tests for their own process; check --deploy rightly refuses it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def production_env(**overrides):
    env = {key: value for key, value in os.environ.items() if key not in _SCRUBBED}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings", "PYTHONUNBUFFERED": "1"})
    env.update({key: str(value) for key, value in overrides.items() if value is not None})
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
    return env


def gunicorn_env(database_port=5432, **overrides):
    """production_env for a gunicorn of ours on this test run's database: the test
    settings, a throwaway key, plain HTTP on 127.0.0.1."""
    from django.db import connection

    return production_env(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=(
            f"postgres://postgres@127.0.0.1:{database_port}/{connection.settings_dict['NAME']}"
        ),
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1",
        HTTPS="0",
        **overrides,
    )


def free_port():
    for port in TEST_PORTS:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8210-8219")


def free_ports(count):
    """`count` different free ports, held together while they are chosen."""
    held = []
    try:
        for port in TEST_PORTS:
            probe = socket.socket()
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                probe.close()
                continue
            held.append(probe)
            if len(held) == count:
                return [sock.getsockname()[1] for sock in held]
    finally:
        for sock in held:
            sock.close()
    raise RuntimeError(f"fewer than {count} free ports in 8210-8219")


def run_manage(*args, env, timeout=60):
    return subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; `cut()` drops every connection and refuses
    new ones (the service looks down), `restore()` accepts again."""

    def __init__(self, target_port, port=None, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.port = port or free_port()
        self._up = threading.Event()
        self._stop = threading.Event()
        self._listener = None
        self._pairs = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        for _attempt in range(4):
            try:
                self.restore()
                break
            except OSError:  # taken since free_port() looked: another session's server
                self.port = free_port()
        else:
            raise RuntimeError("no port for the TCP proxy")
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.cut()

    def restore(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind(("127.0.0.1", self.port))
        except OSError:
            listener.close()
            raise
        listener.listen(64)
        listener.settimeout(0.1)
        self._listener = listener
        self._up.set()

    def cut(self):
        self._up.clear()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            for a, b in self._pairs:
                for sock in (a, b):
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                    sock.close()
            self._pairs.clear()

    def _serve(self):
        while not self._stop.is_set():
            listener = self._listener
            if not self._up.is_set() or listener is None:
                time.sleep(0.05)
                continue
            try:
                client, _addr = listener.accept()
            except (TimeoutError, OSError):
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=2)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a, b):
        sockets = [a, b]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 0.5)
                if self._stop.is_set():
                    return
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.close()


def http_get(url, headers=None, timeout=10):
    """(status, headers, body) without raising on 4xx/5xx."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class Gunicorn:
    """gunicorn with the repository's gunicorn.conf.py on one of our ports.

    Ready means: our own process logged that it listens on the port and answers /livez.
    (Another test session may pick the same free port a moment later; then our gunicorn
    cannot bind, exits, and we try the next port instead of talking to theirs.)
    """

    def __init__(self, env, port=None, workers=2, log_path=None):
        self.fixed_port = port
        self.port = None
        self.env = {**env, "WEB_CONCURRENCY": str(workers)}
        if log_path is None:
            handle, log_path = tempfile.mkstemp(suffix=".log")
            os.close(handle)
        self.log_path = Path(log_path)
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        for _attempt in range(4):
            self.port = self.fixed_port or free_port()
            if self._start():
                return self
            if self.fixed_port:
                break
        raise RuntimeError(f"gunicorn did not start:\n{self.log_tail()}")

    def _start(self):
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        with open(self.log_path, "w") as out:
            self.process = subprocess.Popen(  # noqa: S603
                [GUNICORN, "-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        listening = f"Listening at: http://127.0.0.1:{self.port} ({self.process.pid})"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if listening in self.log_path.read_text(errors="replace"):
                try:
                    if http_get(self.url + "/livez", timeout=2)[0] == 200:
                        return True
                except OSError:
                    pass
            time.sleep(0.2)
        self.stop()
        return False

    def __exit__(self, *exc):
        self.stop()

    def log_tail(self, lines=30):
        """The end of the server's log, for a failing assertion's message."""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def in_child(code, env, timeout=60):
    """Run Python code with Django set up from `env` in a fresh process."""
    prelude = "import django; django.setup()\n"
    return subprocess.run(  # noqa: S603
        [PYTHON, "-c", prelude + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


__all__ = ["ROOT", "SECRET", "Gunicorn", "TcpProxy", "free_port", "http_get", "production_env"]
