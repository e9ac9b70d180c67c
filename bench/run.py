"""The benchmark: realistic data, production settings, a real HTTP load generator.

    make bench                      # or: .venv/bin/python bench/run.py --db portal_bench

1. Creates the database named by --db if missing, migrates it, fills it with
   `manage.py bench_data` (100,000 articles; re-used when already there), collects
   static files.
2. For each mode (no page cache / page cache), starts gunicorn with production
   settings (DEBUG off, 2 workers, 127.0.0.1), measures every page with wrk for
   --duration seconds, and the queries per request in-process (bench/probe.py).
3. The hot article: all load on one article with views written straight to the
   database, then through the Redis buffer; a worker is killed mid-run and the
   counts are checked against the answers wrk received.
4. Worker memory: RSS of each worker before and after a --memory-seconds run over
   hundreds of different pages.
5. Upload memory: the peak RSS of a fresh worker-like process accepting the worst image
   an editor may upload (a progressive CMYK JPEG of the most pixels allowed).

Prints one table per mode and writes everything to bench/results/<time>.json.
"""

import argparse
import datetime
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results"
READER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
TARGETS = {
    "article_no_cache": 0.20,
    "listing_no_cache": 0.20,
    "article_cached": 0.80,
    "deep_page_latency": 1.5,
    "search_p99_ms": 50,
    "upload_peak_rss_mb": 512,
}


def log(message):
    sys.stderr.write(f"[bench] {message}\n")
    sys.stderr.flush()


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="portal_bench")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=12, help="seconds of load per page")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="the pages take turns this many times, so a change in the machine's speed "
        "during the run weighs on every page and the floor alike",
    )
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--redis-db", type=int, default=7)
    parser.add_argument("--memory-seconds", type=int, default=60)
    parser.add_argument("--skip-hot", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-upload-memory", action="store_true")
    return parser.parse_args()


# Database and environment ------------------------------------------------------


def ensure_database(name):
    import psycopg2

    connection = psycopg2.connect(dbname="postgres", **PG)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            log(f"creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def vacuum(name):
    """Statistics and the visibility map (index-only scans need it) after any migration."""
    import psycopg2

    connection = psycopg2.connect(dbname=name, **PG)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE news_article")
        cursor.execute("VACUUM ANALYZE news_searchentry")
    connection.close()


def db_query(name, sql, params=()):
    import psycopg2

    connection = psycopg2.connect(dbname=name, **PG)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    finally:
        connection.close()


def base_env(args):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "REDIS_URL", "PAGE_CACHE_SECONDS", "VIEW_BUFFER_URL"}
    }
    env.update(
        DATABASE_URL=f"postgres://postgres@{PG['host']}:{PG['port']}/{args.db}",
        SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        HTTPS="0",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="portal.settings",
        CACHE_KEY_PREFIX="bench",
    )
    return env


def manage(env, *command):
    subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)


def redis_flush(db):
    subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-n", str(db), "FLUSHDB"],
        check=True,
        capture_output=True,
    )


def mode_env(env, args, *, page_cache, buffer=True):
    env = dict(env)
    env["REDIS_URL"] = f"redis://127.0.0.1:6379/{args.redis_db}"
    env["PAGE_CACHE_SECONDS"] = "300" if page_cache else "0"
    env["VIEW_BUFFER_URL"] = env["REDIS_URL"] if buffer else ""
    return env


# The server --------------------------------------------------------------------


class Server:
    """gunicorn with the project's gunicorn.conf.py, 2 workers, on 127.0.0.1:port."""

    def __init__(self, env, port):
        self.env = dict(env, WEB_CONCURRENCY="2", GUNICORN_BIND=f"127.0.0.1:{port}")
        # No recycling during a run: the memory check must see the same workers.
        self.env["GUNICORN_MAX_REQUESTS"] = "0"
        self.port = port
        self.process = None

    def __enter__(self):
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.errors = open(RESULTS / "gunicorn-error.log", "a")
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "--access-logfile",
                "/dev/null",
                "--error-logfile",
                "-",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.errors,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if len(self.workers()) == 2 and fetch(self.url("/livez"))[0] == 200:
                return self
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start; see bench/results/gunicorn-error.log")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.errors.close()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def workers(self):
        try:
            text = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def cpu_seconds(self):
        """CPU time (user + system) the workers have used so far."""
        ticks = 0
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def worker_rss_kb(self):
        sizes = {}
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes[pid] = int(line.split()[1])
        return sizes


def fetch(url):
    request = urllib.request.Request(url, headers={"User-Agent": READER_UA})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""
    except OSError:
        return 0, b""


def wrk(args, url, duration, paths=None, start=0):
    env = dict(os.environ)
    if paths:
        env["BENCH_PATHS"] = paths
        env["BENCH_PATHS_START"] = str(start)
    output = subprocess.run(
        [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-H",
            f"User-Agent: {READER_UA}",
            "-s",
            str(ROOT / "bench" / "status.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    data = json.loads(line[len("BENCH ") :])
    seconds = data["duration_us"] / 1e6
    return {
        "rps": data["requests"] / seconds,
        "seconds": seconds,
        "p50_ms": data["p50_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "bytes": data["bytes"] / max(data["requests"], 1),
        "ok": data["ok"],
        "bad": data["bad"],
        "last_bad_status": data["last_bad"],
        "socket_errors": data["socket_errors"],
    }


# The runs ----------------------------------------------------------------------


def json_of(command, env):
    """The JSON a child process prints last."""
    output = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def probe(env):
    return json_of([PYTHON, str(ROOT / "bench" / "probe.py")], env)


def check_static(server):
    """Static files: hashed names, compressed, cached for a year (whitenoise, manifest)."""
    import re

    status, body = fetch(server.url("/az/"))
    match = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body)
    if status != 200 or not match:
        return {"hashed_name": False}
    request = urllib.request.Request(
        server.url(match.group(1).decode()), headers={"Accept-Encoding": "br, gzip"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        headers = dict(response.headers)
    return {
        "hashed_name": True,
        "url": match.group(1).decode(),
        "content_encoding": headers.get("Content-Encoding"),
        "cache_control": headers.get("Cache-Control"),
    }


def paths_file(paths):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths))
        return handle.name


def run_pages(args, env, port, label):
    log(f"{label}: probing pages")
    found = probe(env)
    pages = {name: page for name, page in found["pages"].items() if name != "livez"}
    pages["livez"] = found["pages"]["livez"]  # the floor, last in the table
    # Every request of this row is a search nobody has made before in this run.
    many = {"search, new queries": paths_file(found["search_paths"])}
    totals = {}
    load_before = os.getloadavg()[0]
    seconds = max(args.duration // args.rounds, 1)
    with Server(env, port) as server:
        static = check_static(server)
        for name, page in list(pages.items()):
            if page is None:
                log(f"{label}: {name} does not exist yet, skipped")
                del pages[name]
            elif page["status"] != 200:
                raise RuntimeError(f"{name} {page['path']} answered {page['status']}")
            elif name not in many:
                for _ in range(3):
                    fetch(server.url(page["path"]))
        for round_number in range(1, args.rounds + 1):
            log(f"{label}: round {round_number} of {args.rounds}, {seconds}s a page")
            for name, page in pages.items():
                total = totals.setdefault(
                    name, {"ok": 0, "bad": 0, "seconds": 0.0, "cpu": 0.0, "rounds": []}
                )
                cpu_before = server.cpu_seconds()
                result = wrk(
                    args,
                    server.url(page["path"]),
                    seconds,
                    paths=many.get(name),
                    start=total["ok"] + total["bad"],
                )
                total["cpu"] += server.cpu_seconds() - cpu_before
                if result["bad"] or not result["ok"]:
                    raise RuntimeError(f"{name}: {result['bad']} non-2xx answers ({result})")
                total["rounds"].append(result)
                total["ok"] += result["ok"]
                total["bad"] += result["bad"]
                total["seconds"] += result["seconds"]
    for name in many.values():
        os.unlink(name)
    rows = {}
    for name, page in pages.items():
        total = totals[name]
        rounds = total["rounds"]
        rows[name] = {
            **page,
            "rps": total["ok"] / total["seconds"],
            # Percentiles cannot be merged exactly: the median round's p50, the worst p99.
            "p50_ms": sorted(r["p50_ms"] for r in rounds)[len(rounds) // 2],
            "p99_ms": max(r["p99_ms"] for r in rounds),
            "bytes": sum(r["bytes"] * r["ok"] for r in rounds) / total["ok"],
            "ok": total["ok"],
            "bad": total["bad"],
            "worker_cpu_ms": 1000 * total["cpu"] / total["ok"],
            "rounds": rounds,
        }
    floor = rows["livez"]
    for row in rows.values():
        row["ratio"] = row["rps"] / floor["rps"]
        # Worker CPU per request, relative to the floor's: what the throughput ratio would
        # be if the workers had the CPUs to themselves (database and Redis time left out).
        row["cpu_ratio"] = floor["worker_cpu_ms"] / max(row["worker_cpu_ms"], 1e-6)
    found.pop("search_paths", None)
    # Other work on the machine skews every number: the report says how busy it was.
    return {
        "pages": rows,
        "probe": found,
        "static": static,
        "load_average": [load_before, os.getloadavg()[0]],
    }


def view_count(args, article_id):
    return db_query(args.db, "SELECT view_count FROM news_article WHERE id = %s", [article_id])[0]


def kill_a_worker(server, delay, killed):
    time.sleep(delay)
    victim = server.workers()[0]
    os.kill(victim, signal.SIGKILL)
    killed.append(victim)


def run_hot_article(args, envs, article, port):
    """All load on one article: views straight to the row, then through the buffer,
    then from the page cache (views sent to the buffer without waiting for Redis)."""
    env_direct, env_buffered, env_cached = envs
    article_path, article_id = article
    results = {}
    for label, env, kill in [
        ("direct database writes", env_direct, False),
        ("Redis buffer", env_buffered, False),
        ("Redis buffer, a worker killed mid-run", env_buffered, True),
        ("page cache, a worker killed mid-run", env_cached, True),
    ]:
        redis_flush(args.redis_db)
        with Server(env, port) as server:
            fetch(server.url(article_path))
            manage(env, "flush_views")
            before = view_count(args, article_id)
            killed = []
            if kill:
                threading.Thread(
                    target=kill_a_worker, args=(server, args.duration / 2, killed), daemon=True
                ).start()
            log(f"hot article: {label}")
            cpu_before = server.cpu_seconds()
            result = wrk(args, server.url(article_path), args.duration)
            result["worker_cpu_ms"] = 1000 * (server.cpu_seconds() - cpu_before) / result["ok"]
        manage(env, "flush_views", "--orphans-now")
        after = view_count(args, article_id)
        result["views_counted"] = after - before
        result["killed_worker"] = killed[0] if killed else None
        # wrk stops with up to --connections requests in flight: the server counted
        # those views but wrk never read the answers.
        result["counted_minus_answered"] = result["views_counted"] - result["ok"]
        results[label] = result
        port += 1
    return results


def run_memory(args, env, article_paths, port):
    paths = paths_file(article_paths)
    with Server(env, port) as server:
        log("memory: warming up (every page once, then 10 s of load)")
        for path in article_paths:
            fetch(server.url(path))
        wrk(args, server.url("/"), 10, paths=paths)
        before = server.worker_rss_kb()
        log(f"memory: {args.memory_seconds}s over {len(article_paths)} pages, in two halves")
        half = max(args.memory_seconds // 2, 1)
        first = wrk(args, server.url("/"), half, paths=paths)
        middle = server.worker_rss_kb()
        second = wrk(args, server.url("/"), half, paths=paths)
        after = server.worker_rss_kb()
        load = {"ok": first["ok"] + second["ok"], "bad": first["bad"] + second["bad"]}
    os.unlink(paths)
    return {
        "requests": load["ok"],
        "bad": load["bad"],
        "rss_kb_before": before,
        "rss_kb_middle": middle,
        "rss_kb_after": after,
        "growth_kb": {pid: after.get(pid, 0) - size for pid, size in before.items()},
        # Caches fill in the first half (bounded LRUs); a leak keeps growing in the second.
        "second_half_growth_kb": {pid: after.get(pid, 0) - size for pid, size in middle.items()},
    }


# The worst image an editor may upload, for memory: a progressive CMYK JPEG of the most
# pixels allowed (libjpeg keeps all its DCT coefficients, 8 bytes a pixel, until the last
# scan; docs/decisions/0005-image-memory-budget.md). The child loads what a worker loads,
# then accepts it as the newsroom does: checks, re-encoding, renditions.
UPLOAD_MEMORY = """
import json, sys, tempfile, types
import django
django.setup()
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver
from PIL import Image
from news.newsroom import images
from portal.wsgi import application
get_resolver().url_patterns

def peak_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

with open(sys.argv[1], "rb") as handle, Image.open(handle) as header:
    pixels = header.width * header.height
    assert pixels == images.pixel_limit(header.format), "not the largest image allowed"
    handle.seek(0)
    upload = SimpleUploadedFile("worst.jpg", handle.read())
baseline = peak_kb()
cleaned = images.clean_upload(upload)
with tempfile.TemporaryDirectory() as folder:
    storage = FileSystemStorage(location=folder)
    name = storage.save(cleaned.name, cleaned)
    images.make_renditions(types.SimpleNamespace(storage=storage, name=name))
print(json.dumps({"pixels": pixels, "file_bytes": upload.size, "baseline_kb": baseline,
                  "peak_kb": peak_kb()}))
"""


def run_upload_memory(env):
    """Peak RSS (VmHWM) of one fresh process accepting the worst image allowed."""
    from PIL import Image

    log("upload memory: accepting a 40-megapixel progressive CMYK JPEG in a fresh process")
    with tempfile.NamedTemporaryFile(suffix=".jpg") as worst:
        with Image.new("CMYK", (8000, 5000), (10, 200, 30, 40)) as image:  # MAX_PIXELS
            image.save(worst, "JPEG", quality=90, progressive=True, subsampling=0)
        worst.flush()
        return json_of([PYTHON, "-c", UPLOAD_MEMORY, worst.name], env)


# Report ------------------------------------------------------------------------


def table(title, rows):
    lines = [
        f"\n{title}",
        f"{'page':<20} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'bytes':>8} "
        f"{'SQL':>4} {'vs floor':>9} {'CPU ms':>7} {'CPU vs floor':>13}",
    ]
    for name, row in rows.items():
        lines.append(
            f"{name:<20} {row['rps']:>8.0f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} "
            f"{row['bytes']:>8.0f} {row['queries']:>4} {row['ratio']:>8.0%} "
            f"{row.get('worker_cpu_ms', 0):>7.2f} {row.get('cpu_ratio', 0):>12.0%}"
        )
    return "\n".join(lines)


def verdicts(report):
    plain = report["modes"]["no page cache"]["pages"]
    cached = report["modes"]["page cache"]["pages"]
    deep = next(name for name in plain if name.startswith("listing p") and name != "listing p1")
    checks = [
        (
            "article without page cache >= 20% of floor",
            plain["article"]["ratio"] >= TARGETS["article_no_cache"],
            f"{plain['article']['ratio']:.0%}",
        ),
        (
            "listing without page cache >= 20% of floor",
            plain["listing p1"]["ratio"] >= TARGETS["listing_no_cache"],
            f"{plain['listing p1']['ratio']:.0%}",
        ),
        (
            "cached article >= 80% of floor",
            cached["article"]["ratio"] >= TARGETS["article_cached"],
            f"{cached['article']['ratio']:.0%}",
        ),
        (
            f"{deep} p50 within 1.5x of page 1 (no page cache)",
            plain[deep]["p50_ms"] <= TARGETS["deep_page_latency"] * plain["listing p1"]["p50_ms"],
            f"{plain[deep]['p50_ms'] / plain['listing p1']['p50_ms']:.2f}x",
        ),
        (
            f"{deep} p99 within 1.5x of page 1 (no page cache)",
            plain[deep]["p99_ms"] <= TARGETS["deep_page_latency"] * plain["listing p1"]["p99_ms"],
            f"{plain[deep]['p99_ms'] / plain['listing p1']['p99_ms']:.2f}x",
        ),
        (
            "article <= 5 queries, listing <= 4",
            plain["article"]["queries"] <= 5 and plain["listing p1"]["queries"] <= 4,
            f"{plain['article']['queries']} / {plain['listing p1']['queries']}",
        ),
    ]
    for name in ("search", "search, new queries"):
        if name in plain:
            checks.append(
                (
                    f"{name}: p99 < 50 ms (no page cache)",
                    plain[name]["p99_ms"] < TARGETS["search_p99_ms"],
                    f"{plain[name]['p99_ms']:.1f} ms",
                )
            )
    if report.get("memory"):
        growth = max(report["memory"]["growth_kb"].values())
        late = max(report["memory"].get("second_half_growth_kb", {0: growth}).values())
        checks.append(
            (
                "worker memory flat (< 5 MB over the run, < 1 MB in its second half)",
                growth < 5120 and late < 1024,
                f"{growth} kB, {late} kB in the second half",
            )
        )
    if report.get("upload_memory"):
        upload = report["upload_memory"]
        peak_mb = upload["peak_kb"] / 1024
        checks.append(
            (
                "worst accepted image upload: peak RSS < 512 MB",
                peak_mb < TARGETS["upload_peak_rss_mb"],
                f"{peak_mb:.0f} MB ({upload['pixels'] / 1e6:.0f} MP progressive CMYK JPEG "
                f"of {upload['file_bytes'] / 1024:.0f} kB; {upload['baseline_kb'] / 1024:.0f} "
                "MB before it)",
            )
        )
    return [{"target": name, "met": bool(met), "value": value} for name, met, value in checks]


def main():
    args = parse_args()
    started = datetime.datetime.now(datetime.UTC)
    env = base_env(args)
    ensure_database(args.db)
    log("migrating")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "bench_data", "--articles", str(args.articles))
    manage(env, "collectstatic", "--noinput", "-v0")
    vacuum(args.db)
    report = {
        "started": started.isoformat(),
        "machine": {"cpus": os.cpu_count(), "platform": sys.platform},
        "settings": {
            "database": args.db,
            "articles": args.articles,
            "duration_s": args.duration,
            "rounds": args.rounds,
            "wrk_threads": args.threads,
            "wrk_connections": args.connections,
            "gunicorn_workers": 2,
        },
        "modes": {},
    }
    port = args.port
    for label, page_cache in [("no page cache", False), ("page cache", True)]:
        redis_flush(args.redis_db)
        menv = mode_env(env, args, page_cache=page_cache)
        report["modes"][label] = run_pages(args, menv, port, label)
        port += 1
    probe_data = report["modes"]["no page cache"]["probe"]
    article_path = probe_data["pages"]["article"]["path"]
    if not args.skip_hot:
        report["hot_article"] = run_hot_article(
            args,
            (
                mode_env(env, args, page_cache=False, buffer=False),
                mode_env(env, args, page_cache=False),
                mode_env(env, args, page_cache=True),
            ),
            (article_path, probe_data["article_id"]),
            port,
        )
        port += 4
    if not args.skip_memory:
        redis_flush(args.redis_db)
        report["memory"] = run_memory(
            args, mode_env(env, args, page_cache=False), probe_data["article_paths"], port
        )
    if not args.skip_upload_memory:
        report["upload_memory"] = run_upload_memory(env)
    report["targets"] = verdicts(report)
    for label, mode in report["modes"].items():
        load = mode["load_average"]
        title = (
            f"{label} ({args.articles:,} articles, wrk -t{args.threads} "
            f"-c{args.connections}, {args.duration}s per page in {args.rounds} rounds; "
            f"load average {load[0]:.1f} -> {load[1]:.1f} on {os.cpu_count()} CPUs)"
        )
        print(table(title, mode["pages"]))
    if report.get("hot_article"):
        print("\nhot article (all load on one article)")
        for label, row in report["hot_article"].items():
            print(
                f"  {label:<40} {row['rps']:>7.0f} req/s  p99 {row['p99_ms']:>6.1f} ms  "
                f"CPU {row['worker_cpu_ms']:.2f} ms/req  "
                f"answered {row['ok']}, counted {row['views_counted']} "
                f"({row['counted_minus_answered']:+d})"
            )
    if report.get("memory"):
        memory = report["memory"]
        print(f"\nworker memory over {args.memory_seconds}s ({memory['requests']} requests):")
        for pid, size in memory["rss_kb_before"].items():
            print(
                f"  worker {pid}: {size} kB -> {memory['rss_kb_middle'].get(pid)} kB "
                f"-> {memory['rss_kb_after'].get(pid)} kB"
            )
    static = report["modes"]["no page cache"]["static"]
    print(f"\nstatic files: {static}")
    print("\ntargets")
    for check in report["targets"]:
        print(f"  [{'met' if check['met'] else 'MISSED'}] {check['target']}: {check['value']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    for mode in report["modes"].values():
        mode["probe"].pop("article_paths", None)
    path = RESULTS / f"{started:%Y%m%d-%H%M%S}.json"
    text = json.dumps(report, indent=2, ensure_ascii=False)
    path.write_text(text)
    (RESULTS / "latest.json").write_text(text)
    print(f"\nJSON: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
