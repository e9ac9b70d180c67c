"""Bench section: e-mail alerts on real Celery workers to a local SMTP sink.

    .venv/bin/python bench/sections/alerts.py --db portal_bench

Uses a database of its own, `<db>_alerts` (made and migrated here, dropped at the end), and
Redis database 14 as the broker. Two worker processes (`celery -A portal worker -P solo`)
send to an aiosmtpd server in this process that counts what arrives.

1. Instant: 10,000 confirmed subscribers, one article published and announced: every
   message must reach the sink, none twice. Reports messages per second.
2. Digest: the same 10,000 subscribers on a daily digest and 50 articles handed out to
   them (timed apart: that happens as each is published), then the digest job: all
   10,000 digests of 50 articles must arrive within 5 minutes of its start.

Prints the table and exits 1 when a target is missed. The machine may be shared: the
numbers are taken under whatever load it has, and the load average is printed with them.
"""

import argparse
import collections
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUBSCRIBERS = 10_000
DIGEST_ARTICLES = 50
DIGEST_TARGET_SECONDS = 300
INSTANT_TIMEOUT = 300
BROKER = "redis://127.0.0.1:6379/14"
WORKERS = 2
_TO = re.compile(rb"^To: (.+?)\r?$", re.MULTILINE | re.IGNORECASE)


class Sink:
    """Counts the messages that arrive, by recipient, without parsing them."""

    def __init__(self):
        self.by_recipient = collections.Counter()
        self.lock = threading.Lock()
        self.first = self.last = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        now = time.monotonic()
        with self.lock:
            for address in envelope.rcpt_tos:
                self.by_recipient[address.lower()] += 1
            self.first = self.first or now
            self.last = now
        return "250 OK"

    def total(self):
        with self.lock:
            return sum(self.by_recipient.values())

    def reset(self):
        with self.lock:
            self.by_recipient.clear()
            self.first = self.last = None


def environment(database, smtp_port):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SECRET_KEY": "bench-alerts-" + "k" * 50,
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "CELERY_BROKER_URL": BROKER,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SITE_URL": "https://bench.example",
        "LOG_LEVEL": "INFO",
    }
    for name in ("DEBUG", "REDIS_URL", "VIEW_BUFFER_URL", "TEST_DATABASE_NAME"):
        env.pop(name, None)
    return env


def psql(sql):
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql],
        check=True,
        capture_output=True,
    )


def start_workers(env, log_dir):
    workers = []
    for number in range(WORKERS):
        log = open(Path(log_dir) / f"alerts-worker-{number}.log", "wb")  # noqa: SIM115
        workers.append(
            subprocess.Popen(
                [
                    str(ROOT / ".venv" / "bin" / "celery"),
                    "-A",
                    "portal",
                    "worker",
                    "-P",
                    "solo",
                    "-l",
                    "info",
                    "-n",
                    f"bench{number}-{uuid.uuid4().hex[:6]}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    time.sleep(4)
    for worker in workers:
        if worker.poll() is not None:
            raise SystemExit(f"a worker exited at start (see {log_dir})")
    return workers


def stop_workers(workers):
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)


def wait_for(sink, count, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and sink.total() < count:
        time.sleep(0.2)
    time.sleep(2)  # any duplicate would show now
    return sink.total()


def measure(sink):
    from django.utils import timezone

    from alerts.models import Delivery, Subscriber
    from alerts.tasks import announce_article, announce_articles, send_due_digests
    from news.models import Article, Category

    category = Category.objects.create(name_az="Bench", name_en="Bench")
    now = timezone.now()
    Subscriber.objects.bulk_create(
        (
            Subscriber(email=f"reader{n}@bench.example", all_news=True, confirmed_at=now)
            for n in range(SUBSCRIBERS)
        ),
        batch_size=2000,
    )

    def article(number):
        return Article.objects.create(
            category=category,
            status=Article.Status.PUBLISHED,
            title_az=f"Xəbər {number}: qayıdış davam edir",
            title_en=f"News {number}: the return goes on",
            lead_az="Böyük Qayıdış proqramı çərçivəsində növbəti ailələr doğma yurda qayıdıb.",
            lead_en="More families have returned home under the Great Return programme.",
            body_az="<p>Mətn.</p>",
            body_en="<p>Text.</p>",
        )

    rows = {}
    started = time.monotonic()
    announce_article.delay(article(0).pk)
    arrived = wait_for(sink, SUBSCRIBERS, INSTANT_TIMEOUT)
    seconds = (sink.last or time.monotonic()) - started
    rows["instant"] = {
        "messages": arrived,
        "duplicates": sum(count - 1 for count in sink.by_recipient.values() if count > 1),
        "seconds": seconds,
        "per_second": arrived / seconds if seconds else 0,
    }

    sink.reset()
    Subscriber.objects.update(frequency=Subscriber.Frequency.DAILY, digest_hour=0)
    ids = [article(number).pk for number in range(1, DIGEST_ARTICLES + 1)]
    # The day's articles are handed out as each is published (timed apart); the digest
    # job then gathers and sends them at the subscribers' hour (what the target is about).
    started = time.monotonic()
    announce_articles.delay(ids)
    expected = SUBSCRIBERS * DIGEST_ARTICLES
    deadline = time.monotonic() + DIGEST_TARGET_SECONDS
    while Delivery.objects.count() < expected and time.monotonic() < deadline:
        time.sleep(1)
    handed_out = time.monotonic() - started
    started = time.monotonic()
    send_due_digests.delay()
    arrived = wait_for(sink, SUBSCRIBERS, DIGEST_TARGET_SECONDS + 30)
    seconds = (sink.last or time.monotonic()) - started
    rows["digest"] = {
        "messages": arrived,
        "duplicates": sum(count - 1 for count in sink.by_recipient.values() if count > 1),
        "seconds": seconds,
        "per_second": arrived / seconds if seconds else 0,
        "handed_out_seconds": handed_out,
    }
    return rows


def main():
    global SUBSCRIBERS  # noqa: PLW0603 - a smaller run for trying the section out
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="portal_bench")
    parser.add_argument("--subscribers", type=int, default=10_000)
    args = parser.parse_args()
    SUBSCRIBERS = args.subscribers
    database = f"{args.db}_alerts"

    import redis
    from aiosmtpd.controller import Controller

    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = environment(database, port)
    os.environ.update(env)
    for name in ("DEBUG", "REDIS_URL", "VIEW_BUFFER_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))

    psql(f'DROP DATABASE IF EXISTS "{database}"')
    psql(f'CREATE DATABASE "{database}"')
    broker = redis.Redis.from_url(BROKER)
    broker.flushdb()
    workers = []
    load_before = os.getloadavg()
    try:
        migrated = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if migrated.returncode:
            raise SystemExit(f"migrate failed:\n{migrated.stderr[-2000:]}")
        import django

        django.setup()
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line a command
        workers = start_workers(env, Path(tempfile.gettempdir()))
        rows = measure(sink)
    finally:
        stop_workers(workers)
        controller.stop()
        from django.db import connections

        connections.close_all()
        broker.flushdb()
        psql(f'DROP DATABASE IF EXISTS "{database}"')
    load_after = os.getloadavg()

    return report(rows, load_before, load_after)


def report(rows, load_before, load_after):
    """Print the table and the targets; 0 when every one is met, else 1."""
    instant, digest = rows["instant"], rows["digest"]
    checks = [
        ("instant: every message arrived", instant["messages"] == SUBSCRIBERS),
        ("instant: no duplicate", instant["duplicates"] == 0),
        ("digest: every digest arrived", digest["messages"] == SUBSCRIBERS),
        ("digest: no duplicate", digest["duplicates"] == 0),
        (f"digest: under {DIGEST_TARGET_SECONDS} s", digest["seconds"] < DIGEST_TARGET_SECONDS),
    ]
    print(f"\nAlerts: {SUBSCRIBERS:,} subscribers, {WORKERS} workers, local SMTP sink")
    print(
        "(taken on a shared machine, under its load: load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after)"
    )
    print(f"{'run':<10} {'messages':>9} {'dupes':>6} {'seconds':>8} {'msg/s':>7}")
    for name, row in rows.items():
        print(
            f"{name:<10} {row['messages']:>9,} {row['duplicates']:>6} "
            f"{row['seconds']:>8.1f} {row['per_second']:>7.0f}"
        )
    print(
        f"before the digest: {DIGEST_ARTICLES} articles handed out to every subscriber "
        f"({SUBSCRIBERS * DIGEST_ARTICLES:,} deliveries) in {digest['handed_out_seconds']:.1f} s"
    )
    for name, met in checks:
        print(f"  {'met   ' if met else 'MISSED'} {name}")
    return 0 if all(met for _name, met in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
