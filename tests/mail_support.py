"""A real SMTP server (aiosmtpd) and a real Celery worker for the e-mail and job tests.

`SmtpSink` listens on a free port and keeps every message it accepts, parsed; it can
refuse chosen recipients for good (550) and hold each recipient a while (so a test can
kill a worker in the middle of a batch). `Worker` runs `celery -A portal worker` on this
run's test database and Redis database 10 (other tests flush database 0), sending to the
sink. `broker()` points this process's Celery app at the same Redis for the test.
"""

import asyncio
import contextlib
import email
import os
import signal
import subprocess
import threading
import time
import uuid
from email import policy
from pathlib import Path

from aiosmtpd.controller import Controller
from django.db import connection

from portal.celery import app as celery_app
from tests.ops_support import ROOT, any_free_port, production_env
from tests.redis_support import empty_redis

BROKER_URL = "redis://127.0.0.1:6379/10"
CELERY = str(ROOT / ".venv" / "bin" / "celery")


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.sink.rcpt_delay:
            await asyncio.sleep(self.sink.rcpt_delay)
        if address.lower() in self.sink.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        with self.sink.lock:
            self.sink.messages.append(message)
            self.sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SmtpSink:
    """`with SmtpSink() as sink:` a real SMTP server; `sink.messages` as they arrive."""

    def __init__(self, rcpt_delay=0.0):
        self.port = None
        self.messages = []
        self.envelopes = []
        self.refuse = set()
        self.rcpt_delay = rcpt_delay
        self.lock = threading.Lock()
        self._controller = None

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self):
        # A port found free may be taken by another session before the server binds it.
        for _attempt in range(5):
            self.port = any_free_port()
            self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
            try:
                self._controller.start()
            except (OSError, RuntimeError):
                continue
            return self
        raise RuntimeError("no port for the SMTP server")

    def __exit__(self, *exc):
        self._controller.stop()

    def to(self, address):
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]

    def wait_for(self, count, timeout=30, what="messages"):
        """Wait until at least `count` messages arrived; they are returned."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        with self.lock:
            got = len(self.messages)
        raise AssertionError(f"{what}: {got} of {count} arrived within {timeout} s")

    def quiet_for(self, seconds):
        """Wait until nothing more arrives for `seconds`; the messages are returned."""
        last = -1
        while True:
            with self.lock:
                now = len(self.messages)
            if now == last:
                return list(self.messages)
            last = now
            time.sleep(seconds)


def text_of(message, subtype="plain"):
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else ""


def worker_env(sink, **overrides):
    return production_env(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        SECRET_KEY=os.environ.get("SECRET_KEY", "tests-only-key-not-used-anywhere-else-0123456789"),
        ALLOWED_HOSTS="testserver,localhost,127.0.0.1",
        HTTPS="0",
        REDIS_URL=None,
        VIEW_BUFFER_URL=None,
        CELERY_BROKER_URL=BROKER_URL,
        CELERY_VISIBILITY_TIMEOUT="4",
        EMAIL_URL=sink.url,
        SITE_URL="http://testserver",
        **overrides,
    )


class Worker:
    """`celery -A portal worker` in a process group of its own, until the block ends."""

    def __init__(self, env, log_dir, pool="solo", concurrency=1):
        self.env = env
        self.pool = pool
        self.concurrency = concurrency
        self.log_path = Path(log_dir) / f"worker-{uuid.uuid4().hex[:8]}.log"
        self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child keeps writing to it
        self.process = subprocess.Popen(  # noqa: S603
            [
                CELERY,
                "-A",
                "portal",
                "worker",
                "-P",
                self.pool,
                "-c",
                str(self.concurrency),
                "-l",
                "info",
                "-n",
                f"test-{uuid.uuid4().hex[:8]}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the worker exited:\n{self.log_tail()}")
            if b" ready." in self.log_path.read_bytes():
                return
            time.sleep(0.1)
        raise AssertionError(f"the worker did not start:\n{self.log_tail()}")

    def kill(self):
        """SIGKILL the worker and its children at once: no clean-up, no acknowledgement."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_tail(self, lines=40):
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def broker(url=BROKER_URL, clean_url=BROKER_URL):
    """This process's Celery app publishes to `url` (a real broker, not in-process) for the
    block; Redis database 10 is emptied before and after."""
    with empty_redis(clean_url, "the Celery broker"):
        saved = {
            "broker_url": celery_app.conf.broker_url,
            "task_always_eager": celery_app.conf.task_always_eager,
        }
        celery_app.conf.update(broker_url=url, task_always_eager=False)
        _forget_connections()
        try:
            yield celery_app
        finally:
            _forget_connections()
            celery_app.conf.update(**saved)


def _forget_connections():
    """Drop the connections and the producer pool made for another broker: close() keeps
    the producer pool, so this drops the app's cached `amqp` as Celery does after a fork."""
    celery_app.close()
    celery_app.__dict__.pop("amqp", None)


def subject_of(message):
    return str(message["Subject"]).strip()
