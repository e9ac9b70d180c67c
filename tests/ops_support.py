"""Helpers for tests that run the site as a separate process: a clean production-like
environment, free ports in this area's range, a TCP proxy that can cut or slow a
connection, a gunicorn launcher and a redis-server of a test's own."""

import contextlib
import fcntl
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import redis
from django.db import connection

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
    "CONTENT_VERSION_TTL",
    "VIEW_BUFFER_URL",
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


# A port a TcpProxy has, even while it is cut and nothing listens there, is locked in this
# folder: free_port() passes it over, so another test session's server or proxy never takes
# it and answers in place of the service the proxy stands for.
_PORT_LOCKS = Path(tempfile.gettempdir()) / "portal-test-ports"


def reserve_port(port):
    """An open file that holds `port` for this process until closed, or None when someone
    else holds it (in this process or another)."""
    _PORT_LOCKS.mkdir(exist_ok=True)
    handle = open(_PORT_LOCKS / f"{port}.lock", "a")  # noqa: SIM115 - closed to release
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def _reserved(port):
    handle = reserve_port(port)
    if handle is None:
        return True
    handle.close()
    return False


def free_port():
    for port in TEST_PORTS:
        if _reserved(port):
            continue
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
            if _reserved(port):
                continue
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
    new ones (the service looks down), `restore()` accepts again. Setting `delay` (seconds)
    holds every chunk that long before passing it on (the service is slow).

    The port stays reserved for the proxy while it is cut (`reserve_port`): no other
    session's server may take it and answer for the service meanwhile.
    """

    def __init__(self, target_port, port=None, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.port = port or free_port()
        self.delay = 0.0
        self._reservation = None
        self._up = threading.Event()
        self._stop = threading.Event()
        self._listener = None
        self._pairs = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        for _attempt in range(4):
            self._reservation = reserve_port(self.port)
            if self._reservation is not None:
                try:
                    self.restore()
                    break
                except OSError:  # taken since free_port() looked: another session's server
                    self._reservation.close()
            self.port = free_port()
        else:
            raise RuntimeError("no port for the TCP proxy")
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.cut()
        if self._reservation is not None:
            self._reservation.close()
            self._reservation = None

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
                    if self.delay:
                        time.sleep(self.delay)
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

    def worker_pids(self):
        """The pids of the master's children now: its workers."""
        return child_pids(self.process.pid)

    def log_size(self):
        """Where the log ends now: pass it to `served_by` to look only at what follows."""
        return self.log_path.stat().st_size

    def assert_recovered_without_restart(self, master, workers, since, what):
        """The master and the very workers it had before an outage still run (a worker
        that crashed or was replaced has a new pid), and they alone answered every
        request logged after byte `since` of the log, when `what` came back."""
        assert self.process.poll() is None
        assert self.process.pid == master
        assert self.worker_pids() == workers
        served = self.served_by(since)
        assert served, f"no request logged since {what} came back"
        assert set(served) <= workers, (served, workers)

    def served_by(self, since=0):
        """{pid: number of requests} of the workers that wrote access-log lines after
        byte `since` of the log."""
        with open(self.log_path, "rb") as log:
            log.seek(since)
            text = log.read().decode(errors="replace")
        counts = {}
        for line in text.splitlines():
            if '"gunicorn.access"' not in line:
                continue
            try:
                pid = int(json.loads(line)["pid"])
            except (ValueError, KeyError):
                continue
            counts[pid] = counts.get(pid, 0) + 1
        return counts


def child_pids(parent):
    """The pids of `parent`'s children (what `ps --ppid` lists), read from /proc."""
    children = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        # "pid (command) state ppid …": the command may hold spaces and parentheses.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == parent:
            children.add(int(entry.name))
    return children


def any_free_port():
    """A port the system has free now, outside the range our servers use."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, so the machine's Redis is never touched.

    It keeps nothing on disk by itself (no save points, no append-only file). `save()`
    writes a snapshot and returns a copy of it; `kill()` stops it at once (a crash: what
    it held is gone); `start(snapshot)` starts it again on the same port, empty or
    loaded from a snapshot.
    """

    def __init__(self, folder, binary=None):
        self.binary = binary or shutil.which("redis-server")
        self.folder = Path(folder)
        self.port = None
        self.process = None
        self._snapshots = 0

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def __enter__(self):
        for _attempt in range(4):
            self.port = any_free_port()
            if self.start():
                return self
        raise RuntimeError(f"redis-server did not start:\n{self.log_tail()}")

    def __exit__(self, *exc):
        self.kill()

    def start(self, snapshot=None):
        """Start on self.port, empty or from `snapshot` (a file `save()` returned)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        dump = self.folder / "dump.rdb"
        dump.unlink(missing_ok=True)
        if snapshot is not None:
            shutil.copyfile(snapshot, dump)
        # Redis's own options: on the loopback, nothing kept unless asked (SAVE).
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        args += ["--dbfilename", "dump.rdb", "--logfile", str(self.folder / "redis.log")]
        self.process = subprocess.Popen(  # noqa: S603
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False  # the port was taken meanwhile
            try:
                if self.client().ping():
                    return True
            except redis.RedisError:
                pass
            time.sleep(0.05)
        self.kill()
        return False

    def save(self):
        """A snapshot of what Redis holds now, as a file of its own."""
        self.client().save()
        self._snapshots += 1
        copy = self.folder / f"snapshot-{self._snapshots}.rdb"
        shutil.copyfile(self.folder / "dump.rdb", copy)
        return copy

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def restart(self, snapshot=None):
        self.kill()
        if not self.start(snapshot):
            raise RuntimeError(f"redis-server did not start again:\n{self.log_tail()}")

    def log_tail(self, lines=20):
        log = self.folder / "redis.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


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


__all__ = [
    "ROOT",
    "SECRET",
    "Gunicorn",
    "RedisServer",
    "TcpProxy",
    "child_pids",
    "free_port",
    "http_get",
    "production_env",
]


def read_answer(sock, timeout=5):
    """(status, everything the server sent until it closed or went quiet) of a raw
    request already sent on `sock`; status None when it closed without a word."""
    sock.settimeout(timeout)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except (TimeoutError, ConnectionResetError):
            break
        if not chunk:
            break
        data += chunk
    return (int(data.split(b" ", 2)[1]) if data else None), data
