#!/usr/bin/env python
"""How long a few slow clients stop a gunicorn that faces them directly.

    .venv/bin/python scripts/slow_clients.py [--port 8202] [--clients 2] [--seconds 40]
    .venv/bin/python scripts/slow_clients.py --url http://127.0.0.1:8080   # a running server

Without --url it starts gunicorn with the project's gunicorn.conf.py and 2 sync workers on
127.0.0.1:PORT (production settings, DEBUG off, plain HTTP; /livez touches neither the
database nor the cache), and stops it at the end. With --url it measures that server,
e.g. the proxy in front of gunicorn, to see that the proxy absorbs slow clients.

CLIENTS connections each send the start of a request and then one byte of a header every
DRIP seconds (default 5), never finishing the headers (Slowloris); when the server drops
one, it connects again at once. Meanwhile /livez is asked every 0.5 s with a 1 s time-out.
After SECONDS (default 40, at most 120) it prints how many asks failed and how long each
run of failures lasted.

Loopback only: it refuses any host but 127.0.0.1, ::1 and localhost.
"""

import argparse
import os
import secrets
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
POLL_EVERY = 0.5
POLL_TIMEOUT = 1.0


def livez_answers(url):
    try:
        with urllib.request.urlopen(url + "/livez", timeout=POLL_TIMEOUT) as response:  # noqa: S310
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_gunicorn(port, log):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "REDIS_URL", "TRUST_PROXY_HEADERS"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        HTTPS="0",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
    )
    process = subprocess.Popen(  # noqa: S603
        [GUNICORN, "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited (port {port} taken?); its log: {log.name}")
        if livez_answers(url):
            return process, url
        time.sleep(0.2)
    stop_gunicorn(process)
    sys.exit(f"gunicorn did not answer within 30 s; its log: {log.name}")


def stop_gunicorn(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def slow_client(host, port, drip, stop, counts):
    """One Slowloris connection at a time, until `stop`."""
    while not stop.is_set():
        try:
            with socket.create_connection((host, port), timeout=5) as sock:
                sock.sendall(f"GET /livez HTTP/1.1\r\nHost: {host}\r\nX-Slow: ".encode())
                counts["connections"] += 1
                while not stop.is_set():
                    readable, _, _ = select.select([sock], [], [], drip)
                    if readable:
                        break  # the server closed it (or answered): connect again
                    sock.sendall(b"x")
        except OSError:
            stop.wait(0.2)


def measure(url, clients, drip, seconds):
    parsed = urllib.parse.urlsplit(url)
    stop, counts = threading.Event(), {"connections": 0}
    threads = [
        threading.Thread(
            target=slow_client, args=(parsed.hostname, parsed.port, drip, stop, counts)
        )
        for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    polls, outages, outage_start = [], [], None
    started = time.monotonic()
    try:
        while time.monotonic() - started < seconds:
            asked = time.monotonic()
            ok = livez_answers(url)
            polls.append(ok)
            if not ok and outage_start is None:
                outage_start = asked
            elif ok and outage_start is not None:
                outages.append(asked - outage_start)
                outage_start = None
            time.sleep(max(0.0, POLL_EVERY - (time.monotonic() - asked)))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    unfinished = time.monotonic() - outage_start if outage_start is not None else None
    return polls, outages, unfinished, counts["connections"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", help="measure this running server instead of starting one")
    parser.add_argument("--port", type=int, default=8202, help="port for our own gunicorn")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--drip", type=float, default=5.0, help="seconds between header bytes")
    parser.add_argument("--seconds", type=float, default=40.0)
    args = parser.parse_args()
    seconds = min(args.seconds, 120.0)
    clients = max(1, min(args.clients, 16))

    process = None
    with tempfile.NamedTemporaryFile("w", prefix="slow-clients-", suffix=".log") as log:
        if args.url:
            url = args.url.rstrip("/")
            if urllib.parse.urlsplit(url).hostname not in LOOPBACK:
                sys.exit("loopback only: give a URL on 127.0.0.1, ::1 or localhost")
            what = url
        else:
            process, url = start_gunicorn(args.port, log)
            what = f"gunicorn {url} (gunicorn.conf.py, 2 sync workers)"
        try:
            print(
                f"{what}: {clients} slow clients, a header byte every {args.drip:g} s, "
                f"for {seconds:g} s; /livez every {POLL_EVERY} s, time-out {POLL_TIMEOUT} s"
            )
            polls, outages, unfinished, connections = measure(url, clients, args.drip, seconds)
        finally:
            if process is not None:
                stop_gunicorn(process)
    failed = polls.count(False)
    runs = [f"{length:.1f} s" for length in outages]
    if unfinished is not None:
        runs.append(f"{unfinished:.1f} s (still down at the end)")
    print(f"/livez asked {len(polls)} times, {failed} failed ({failed / len(polls):.0%})")
    print(f"runs of failures: {', '.join(runs) or 'none'}")
    print(f"slow connections opened: {connections}")


if __name__ == "__main__":
    main()
