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

6. Newsroom: an editor edits a published article through the admin every 10 s
   (bench/editor.py) while readers load every page type; answers rendered with cold
   fragments are counted (bench/benchsite.py's X-Bench-Queries header).
7. Cold renders: the first render of each page type after a content change, in-process.
8. nginx: the shipped configuration (deploy/nginx/, started as scripts/stack.py does) in
   front of gunicorn, against nginx serving a static file of the home page's size.
9. Sections: every bench/sections/<name>.py, run as `python bench/sections/<name>.py
   --db <db>`; each prints its table and exits 1 when it misses a target.

Any socket error, timeout or non-2xx answer fails the run at once (exit 2). Prints one
table per mode, the load average before and after each and the spread between rounds,
each target as met or missed (exit 1 if any is missed), and writes everything to
bench/results/<time>.json.
"""

import argparse
import datetime
import json
import os
import platform
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
    "feed_no_cache": 0.20,
    "newsroom_ratio": 0.20,
    "newsroom_p99_ms": 50,
    "cold_render_ms": 25,
    "nginx_vs_static": 0.50,
}
MODES = ("plain", "cached", "newsroom", "cold", "nginx", "hot", "memory", "upload", "sections")
EDITOR = ("bench-editor", "bench-editor-Pass-2026!")


class BenchError(Exception):
    """A run whose numbers cannot be trusted: a socket error, a timeout, a non-2xx answer,
    an editor whose save failed."""


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
    parser.add_argument(
        "--newsroom-duration",
        type=int,
        default=20,
        help="seconds of load per page in the newsroom mode, over --rounds rounds",
    )
    parser.add_argument("--edit-every", type=float, default=10.0, help="seconds between edits")
    parser.add_argument("--nginx-port", type=int, default=8443)
    parser.add_argument(
        "--modes",
        default=",".join(MODES),
        help=f"comma-separated, of {', '.join(MODES)} (default: all)",
    )
    parser.add_argument("--skip-hot", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-upload-memory", action="store_true")
    args = parser.parse_args()
    args.modes = {mode.strip() for mode in args.modes.split(",") if mode.strip()}
    unknown = args.modes - set(MODES)
    if unknown:
        parser.error(f"unknown modes: {', '.join(sorted(unknown))}")
    for flag, mode in [("skip_hot", "hot"), ("skip_memory", "memory")]:
        if getattr(args, flag):
            args.modes.discard(mode)
    if args.skip_upload_memory:
        args.modes.discard("upload")
    return args


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
        # The production settings plus the X-Bench-Queries header (bench/benchsite.py).
        DJANGO_SETTINGS_MODULE="benchsite",
        PYTHONPATH=os.pathsep.join(
            filter(None, [str(ROOT / "bench"), str(ROOT), os.environ.get("PYTHONPATH")])
        ),
        CACHE_KEY_PREFIX="bench",
    )
    return env


def manage(env, *command, capture=False):
    done = subprocess.run(
        [PYTHON, "manage.py", *command],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    if capture:
        sys.stdout.write(done.stdout)
    return done.stdout


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


def service_cpu_ticks(database):
    """{(service, pid): CPU ticks (user + system) so far} of the PostgreSQL backends
    connected to `database` (the workers' own connections, kept open by DB_CONN_MAX_AGE)
    and of every redis-server: what a page costs the database and the cache, beside the
    workers' own. Redis serves everyone on this machine: its number includes other work."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = stat[stat.index("(") + 1 : stat.rindex(")")]
            if command == "postgres":
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                if f" {database} " not in title:
                    continue
        except (OSError, ValueError):
            continue
        if command in {"postgres", "redis-server"}:
            fields = stat.rsplit(")", 1)[1].split()
            found[(command, int(entry.name))] = int(fields[11]) + int(fields[12])
    return found


def service_cpu_seconds(before, after):
    """CPU seconds per service between two `service_cpu_ticks` readings: a process that
    started in between counts whole, one that ended in between is lost (never negative)."""
    totals = {"postgres": 0, "redis-server": 0}
    for key, ticks in after.items():
        totals[key[0]] += max(ticks - before.get(key, 0), 0)
    clock = os.sysconf("SC_CLK_TCK")
    return {name: value / clock for name, value in totals.items()}


def fetch(url):
    request = urllib.request.Request(url, headers={"User-Agent": READER_UA})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""
    except OSError:
        return 0, b""


def wrk(args, url, duration, paths=None, start=0, *, cold_above=None, what="", allow_errors=0):
    """One wrk run. Any non-2xx answer, or more socket errors (connect, read, write,
    timeout) than `allow_errors`, raises BenchError: wrk leaves timed-out requests out
    of its latency, so a run with any would report a p99 better than the truth."""
    env = dict(os.environ)
    if paths:
        env["BENCH_PATHS"] = paths
        env["BENCH_PATHS_START"] = str(start)
    if cold_above is not None:
        env["BENCH_COLD_ABOVE"] = str(cold_above)
    done = subprocess.run(
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
        check=False,
    )
    line = next((line for line in done.stdout.splitlines() if line.startswith("BENCH ")), None)
    if done.returncode or line is None:
        # wrk gives up at once when its first connections fail: the server is not there.
        said = (done.stderr + done.stdout).strip()[-500:]
        raise BenchError(f"{what or url}: wrk failed (exit {done.returncode}): {said}")
    data = json.loads(line[len("BENCH ") :])
    seconds = data["duration_us"] / 1e6
    result = {
        "rps": data["requests"] / seconds,
        "seconds": seconds,
        "p50_ms": data["p50_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "max_ms": data["max_us"] / 1000,
        "bytes": data["bytes"] / max(data["requests"], 1),
        "ok": data["ok"],
        "bad": data["bad"],
        "cold": data["cold"],
        "last_bad_status": data["last_bad"],
        "socket_errors": data["socket_errors"],
        "errors": {kind: data[f"{kind}_errors"] for kind in ("connect", "read", "write", "status")}
        | {"timeout": data["timeouts"]},
    }
    what = what or url
    if result["bad"] or not result["ok"]:
        raise BenchError(
            f"{what}: {result['bad']} non-2xx answers (the last {result['last_bad_status']}) "
            f"of {result['ok'] + result['bad']}"
        )
    if result["socket_errors"] > allow_errors:
        raise BenchError(f"{what}: socket errors {result['errors']} in {result['ok']} answers")
    return result


# The runs ----------------------------------------------------------------------


def json_of(command, env):
    """The JSON a child process prints last; BenchError with its errors if it fails."""
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise BenchError(f"{command[-1]} failed (exit {done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def probe(env, cold_renders=False):
    if cold_renders:
        env = dict(env, BENCH_COLD_RENDERS="1")
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


SPREAD_ROWS = {
    # row: (the page whose warm query count it shares, the probe's list of paths)
    "listing, all depths": ("listing p1", "listing_spread_paths"),
    "article, all archive": ("article", "article_spread_paths"),
}


def page_rows(found):
    """The table's rows: every page the probe found, the spread rows, the floor last."""
    pages = {}
    for name, page in found["pages"].items():
        if name == "livez":
            continue
        if page is None:
            log(f"{name} does not exist yet, skipped")
            continue
        if page["status"] != 200:
            raise BenchError(f"{name} {page['path']} answered {page['status']}")
        pages[name] = page
    for name, (base, key) in SPREAD_ROWS.items():
        if base in pages and found.get(key):
            pages[name] = {
                "path": f"({len(found[key]):,} URLs)",
                "status": 200,
                "body_bytes": None,
                "queries": pages[base]["queries"],
            }
    pages["livez"] = found["pages"]["livez"]  # the floor, last in the table
    return pages


def ensure_editor(env):
    """The benchmark's editor account (a superuser of the bench database only)."""
    username, password = EDITOR
    code = (
        "from django.contrib.auth import get_user_model; U = get_user_model(); "
        f"u, _ = U.objects.get_or_create(username={username!r}); "
        "u.is_staff = u.is_superuser = True; "
        f"u.set_password({password!r}); u.save()"
    )
    manage(env, "shell", "-c", code)


def editor_articles(db):
    """The ten newest published articles: the editor takes them in turn."""
    import psycopg2

    connection = psycopg2.connect(dbname=db, **PG)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM news_article WHERE status = 'published' "
                "ORDER BY published_at DESC LIMIT 10"
            )
            return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()


def run_pages(args, env, port, label, *, found=None, newsroom=False, cold_renders=False):  # noqa: PLR0912, PLR0915
    """Every page in turns of --rounds rounds. With `newsroom`, an editor edits an article
    through the admin every --edit-every seconds meanwhile (bench/editor.py)."""
    if found is None:
        log(f"{label}: probing pages")
        found = probe(env, cold_renders=cold_renders)
    pages = page_rows(found)
    many = {
        # Every request of this row is a search nobody has made before in this run.
        "search, new queries": paths_file(found["search_paths"]),
        **{name: paths_file(found[key]) for name, (_base, key) in SPREAD_ROWS.items()},
    }
    totals = {}
    load_before = os.getloadavg()
    duration = args.newsroom_duration if newsroom else args.duration
    seconds = max(duration // args.rounds, 1)
    editor = None
    try:
        with Server(env, port) as server:
            static = check_static(server)
            for name, page in pages.items():
                if name not in many:
                    for _ in range(3):
                        fetch(server.url(page["path"]))
            if newsroom:
                from editor import Editor

                editor = Editor(
                    server.url(""), *EDITOR, editor_articles(args.db), every=args.edit_every
                )
                editor.start()
            for round_number in range(1, args.rounds + 1):
                log(f"{label}: round {round_number} of {args.rounds}, {seconds}s a page")
                for name, page in pages.items():
                    total = totals.setdefault(
                        name, {"ok": 0, "cold": 0, "seconds": 0.0, "cpu": 0.0, "rounds": []}
                    )
                    cpu_before = server.cpu_seconds()
                    services_before = service_cpu_ticks(args.db)
                    result = wrk(
                        args,
                        server.url(page["path"] if name not in many else "/"),
                        seconds,
                        paths=many.get(name),
                        start=total["ok"],
                        # More SQL than the warm page (and one content-version read): cold.
                        cold_above=page["queries"] + 1,
                        what=f"{label}: {name}",
                    )
                    total["cpu"] += server.cpu_seconds() - cpu_before
                    used = service_cpu_seconds(services_before, service_cpu_ticks(args.db))
                    for service, seconds_used in used.items():
                        total[service] = total.get(service, 0.0) + seconds_used
                    total["rounds"].append(result)
                    total["ok"] += result["ok"]
                    total["cold"] += result["cold"]
                    total["seconds"] += result["seconds"]
                    if editor is not None and editor.failures:
                        raise BenchError(f"{label}: the editor failed: {editor.failures}")
    finally:
        if editor is not None:
            editor.stop()
        for name in many.values():
            os.unlink(name)
    rows = {}
    for name, page in pages.items():
        total = totals[name]
        rounds = total["rounds"]
        rates = [r["ok"] / r["seconds"] for r in rounds]
        rows[name] = {
            **page,
            "rps": total["ok"] / total["seconds"],
            # Percentiles cannot be merged exactly: the median round's p50, the worst p99.
            "p50_ms": sorted(r["p50_ms"] for r in rounds)[len(rounds) // 2],
            "p99_ms": max(r["p99_ms"] for r in rounds),
            "bytes": sum(r["bytes"] * r["ok"] for r in rounds) / total["ok"],
            "ok": total["ok"],
            "cold": total["cold"],
            # The noise: how far apart the rounds' rates were, relative to their mean.
            "spread": (max(rates) - min(rates)) / (sum(rates) / len(rates)),
            "worker_cpu_ms": 1000 * total["cpu"] / total["ok"],
            "postgres_cpu_ms": 1000 * total.get("postgres", 0.0) / total["ok"],
            "redis_cpu_ms": 1000 * total.get("redis-server", 0.0) / total["ok"],
            "rounds": rounds,
        }
    floor = rows["livez"]
    for row in rows.values():
        row["ratio"] = row["rps"] / floor["rps"]
        # Worker CPU per request, relative to the floor's: what the throughput ratio would
        # be if the workers had the CPUs to themselves (database and Redis time left out).
        row["cpu_ratio"] = floor["worker_cpu_ms"] / max(row["worker_cpu_ms"], 1e-6)
    for key in ("search_paths", *(key for _base, key in SPREAD_ROWS.values())):
        found.pop(key, None)
    result = {
        "pages": rows,
        "probe": found,
        "static": static,
        # Other work on the machine skews every number: the report says how busy it was.
        "load_average": [load_before[0], os.getloadavg()[0]],
    }
    if editor is not None:
        took = sorted(seconds for seconds, _article in editor.edits)
        result["editor"] = {
            "edits": len(took),
            "every_s": args.edit_every,
            "save_p50_ms": 1000 * took[len(took) // 2] if took else None,
            "save_max_ms": 1000 * took[-1] if took else None,
        }
        if not took:
            raise BenchError(f"{label}: the editor made no edit")
    return result


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
            # A worker killed mid-request drops the answers it was writing: at most one
            # per connection is a socket error there, and only there.
            result = wrk(
                args,
                server.url(article_path),
                args.duration,
                what=f"hot article: {label}",
                allow_errors=args.connections if kill else 0,
            )
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


# nginx ---------------------------------------------------------------------------


def run_nginx(args, env, port, found):
    """The shipped nginx configuration in front of gunicorn (page cache on, as in
    production), measured against the same nginx serving a static file of the home
    page's size, in the same rounds. Anonymous pages come from the one-second micro-cache;
    article pages say `no-cache` and always reach gunicorn (their view counter)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import stack

    if stack.nginx_binary() is None:
        raise BenchError("nginx mode: nginx is not installed (apt-get install nginx)")
    static_root = Path(env.get("STATIC_ROOT") or ROOT / "staticfiles")
    home_bytes = found["pages"]["home"]["body_bytes"]
    same_size = static_root / "bench-same-size-as-home.html"
    same_size.write_bytes(b"x" * home_bytes)
    env = dict(
        env,
        TRUST_PROXY_HEADERS="1",
        TRUSTED_PROXIES="127.0.0.1",
        HTTPS="1",
        SERVE_MEDIA="0",
        CONTENT_VERSION_TTL="0.5",
    )
    rows = {
        "home (micro-cache)": found["pages"]["home"]["path"],
        "listing p1 (micro-cache)": found["pages"]["listing p1"]["path"],
        "article (to gunicorn)": found["pages"]["article"]["path"],
        "static file, same size": f"/static/{same_size.name}",
    }
    totals = {name: [] for name in rows}
    load_before = os.getloadavg()[0]
    seconds = max(args.duration // args.rounds, 1)
    try:
        with (
            tempfile.TemporaryDirectory(prefix="bench-nginx-") as prefix,
            Server(env, port) as server,
            stack.Nginx(
                prefix,
                upstreams=[f"127.0.0.1:{server.port}"],
                static_root=static_root,
                media_root=ROOT / "media",
                https_port=args.nginx_port,
                http_port=args.nginx_port - 1,
                worker_processes="auto",
            ) as nginx,
        ):
            for round_number in range(1, args.rounds + 1):
                log(f"nginx: round {round_number} of {args.rounds}, {seconds}s a page")
                for name, path in rows.items():
                    totals[name].append(wrk(args, nginx.url + path, seconds, what=f"nginx: {name}"))
    finally:
        same_size.unlink(missing_ok=True)
    result = {}
    for name, rounds in totals.items():
        ok = sum(r["ok"] for r in rounds)
        rates = [r["ok"] / r["seconds"] for r in rounds]
        result[name] = {
            "path": rows[name],
            "rps": ok / sum(r["seconds"] for r in rounds),
            "p50_ms": sorted(r["p50_ms"] for r in rounds)[len(rounds) // 2],
            "p99_ms": max(r["p99_ms"] for r in rounds),
            "bytes": sum(r["bytes"] * r["ok"] for r in rounds) / ok,
            "ok": ok,
            "spread": (max(rates) - min(rates)) / (sum(rates) / len(rates)),
            "rounds": rounds,
        }
    floor = result["static file, same size"]
    for row in result.values():
        row["ratio"] = row["rps"] / floor["rps"]
    return {"pages": result, "load_average": [load_before, os.getloadavg()[0]]}


# Sections ------------------------------------------------------------------------


SECTIONS = ROOT / "bench" / "sections"


def run_sections(args, folder=SECTIONS):
    """Every bench/sections/<name>.py, in name order, with the same database: each
    prints its own table and exits 1 when it misses a target (another code: it failed)."""
    results = {}
    for script in sorted(Path(folder).glob("[!_]*.py")):
        log(f"section {script.stem}")
        done = subprocess.run(
            [PYTHON, str(script), "--db", args.db],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        results[script.stem] = {
            "returncode": done.returncode,
            "output": done.stdout,
            "errors": done.stderr[-4000:],
        }
    return results


# Report ------------------------------------------------------------------------


def table(title, rows):
    lines = [
        f"\n{title}",
        f"{'page':<24} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'bytes':>7} {'SQL':>4} "
        f"{'vs floor':>8} {'CPU ms':>7} {'CPU/floor':>9} {'PG ms':>6} {'Redis':>6} "
        f"{'cold':>6} {'spread':>7}",
    ]
    for name, row in rows.items():
        queries = row.get("queries")
        # Rows measured through nginx have no worker CPU or SQL of their own.
        cpu = f"{row['worker_cpu_ms']:>7.2f}" if "worker_cpu_ms" in row else f"{'':>7}"
        cpu_ratio = f"{row['cpu_ratio']:>9.0%}" if "cpu_ratio" in row else f"{'':>9}"
        services = (
            f"{row['postgres_cpu_ms']:>6.2f} {row['redis_cpu_ms']:>6.2f}"
            if "postgres_cpu_ms" in row
            else f"{'':>13}"
        )
        lines.append(
            f"{name:<24} {row['rps']:>7.0f} {row['p50_ms']:>7.2f} {row['p99_ms']:>7.2f} "
            f"{row['bytes']:>7.0f} {'' if queries is None else queries:>4} "
            f"{row['ratio']:>8.0%} {cpu} {cpu_ratio} {services} {row.get('cold', ''):>6} "
            f"{row['spread']:>7.0%}"
        )
    return "\n".join(lines)


def _check(checks, name, met, value):
    checks.append((name, met, value))


def verdicts(report):  # noqa: PLR0912
    checks = []
    modes = report["modes"]
    plain = modes.get("no page cache", {}).get("pages")
    cached = modes.get("page cache", {}).get("pages")
    if plain:
        for row, key in [("article", "article_no_cache"), ("listing p1", "listing_no_cache")]:
            _check(
                checks,
                f"{row} without page cache >= {TARGETS[key]:.0%} of floor",
                plain[row]["ratio"] >= TARGETS[key],
                f"{plain[row]['ratio']:.0%}",
            )
        if "feed" in plain:
            _check(
                checks,
                f"feed without page cache >= {TARGETS['feed_no_cache']:.0%} of floor",
                plain["feed"]["ratio"] >= TARGETS["feed_no_cache"],
                f"{plain['feed']['ratio']:.0%}",
            )
        deep = next(
            (n for n in plain if n.startswith("listing p") and n not in {"listing p1"}), None
        )
        if deep and deep in plain and deep not in SPREAD_ROWS:
            for stat in ("p50_ms", "p99_ms"):
                ratio = plain[deep][stat] / plain["listing p1"][stat]
                _check(
                    checks,
                    f"{deep} {stat[:3]} within 1.5x of page 1 (no page cache)",
                    ratio <= TARGETS["deep_page_latency"],
                    f"{ratio:.2f}x",
                )
        _check(
            checks,
            "article <= 5 queries, listing <= 4",
            plain["article"]["queries"] <= 5 and plain["listing p1"]["queries"] <= 4,
            f"{plain['article']['queries']} / {plain['listing p1']['queries']}",
        )
        first = " (first run after data generation)" if report.get("fresh_data") else ""
        for name in ("search", "search, new queries"):
            if name in plain:
                _check(
                    checks,
                    f"{name}: p99 < 50 ms (no page cache){first}",
                    plain[name]["p99_ms"] < TARGETS["search_p99_ms"],
                    f"{plain[name]['p99_ms']:.1f} ms",
                )
    if cached:
        _check(
            checks,
            "cached article >= 80% of floor",
            cached["article"]["ratio"] >= TARGETS["article_cached"],
            f"{cached['article']['ratio']:.0%}",
        )
    newsroom = modes.get("newsroom")
    if newsroom:
        rows = newsroom["pages"]
        edits = newsroom["editor"]["edits"]
        for name in ("article", "article, all archive", "listing p1", "listing, all depths"):
            if name not in rows:
                continue
            row = rows[name]
            _check(
                checks,
                f"newsroom ({edits} edits): {name} >= 20% of floor, p99 <= 50 ms",
                row["ratio"] >= TARGETS["newsroom_ratio"]
                and row["p99_ms"] <= TARGETS["newsroom_p99_ms"],
                f"{row['ratio']:.0%}, p99 {row['p99_ms']:.1f} ms, {row['cold']} cold",
            )
    for name, row in report.get("cold_renders", {}).items():
        _check(
            checks,
            f"cold render <= {TARGETS['cold_render_ms']} ms: {name}",
            row["cold_ms"] <= TARGETS["cold_render_ms"],
            f"{row['cold_ms']:.1f} ms (median of 5; worst {row['cold_max_ms']:.1f}, "
            f"warm {row['warm_ms']:.1f})",
        )
    nginx = modes.get("nginx")
    if nginx:
        for name, row in nginx["pages"].items():
            if "micro-cache" in name:
                _check(
                    checks,
                    f"nginx: {name} >= 50% of nginx's static file",
                    row["ratio"] >= TARGETS["nginx_vs_static"],
                    f"{row['ratio']:.0%} ({row['rps']:.0f} vs "
                    f"{nginx['pages']['static file, same size']['rps']:.0f} req/s)",
                )
    if report.get("memory"):
        growth = max(report["memory"]["growth_kb"].values())
        late = max(report["memory"].get("second_half_growth_kb", {0: growth}).values())
        _check(
            checks,
            "worker memory flat (< 5 MB over the run, < 1 MB in its second half)",
            growth < 5120 and late < 1024,
            f"{growth} kB, {late} kB in the second half",
        )
    if report.get("upload_memory"):
        upload = report["upload_memory"]
        peak_mb = upload["peak_kb"] / 1024
        _check(
            checks,
            "worst accepted image upload: peak RSS < 512 MB",
            peak_mb < TARGETS["upload_peak_rss_mb"],
            f"{peak_mb:.0f} MB ({upload['pixels'] / 1e6:.0f} MP progressive CMYK JPEG "
            f"of {upload['file_bytes'] / 1024:.0f} kB; {upload['baseline_kb'] / 1024:.0f} "
            "MB before it)",
        )
    for name, section in report.get("sections", {}).items():
        code = section["returncode"]
        _check(
            checks,
            f"section {name}: its own targets",
            code == 0,
            "all met" if code == 0 else ("missed" if code == 1 else f"failed (exit {code})"),
        )
    return [{"target": name, "met": bool(met), "value": value} for name, met, value in checks]


def print_report(args, report):  # noqa: PLR0912
    cpus = os.cpu_count()
    for label, mode in report["modes"].items():
        load = mode["load_average"]
        if label == "nginx":
            title = (
                f"nginx (deploy/nginx/, TLS, wrk -c{args.connections}; vs floor = vs nginx's "
                f"static file of the same size; load average {load[0]:.1f} -> {load[1]:.1f} "
                f"on {cpus} CPUs)"
            )
        else:
            seconds = args.newsroom_duration if label == "newsroom" else args.duration
            title = (
                f"{label} ({args.articles:,} articles, wrk -t{args.threads} "
                f"-c{args.connections}, {seconds}s per page in {args.rounds} rounds; "
                f"load average {load[0]:.1f} -> {load[1]:.1f} on {cpus} CPUs)"
            )
            if label == "newsroom":
                editor = mode["editor"]
                title += (
                    f"\n  an editor saved an article through the admin every "
                    f"{editor['every_s']:g} s: {editor['edits']} edits, save p50 "
                    f"{editor['save_p50_ms']:.0f} ms, max {editor['save_max_ms']:.0f} ms; "
                    "cold = answers that ran more SQL than the warm page"
                )
        print(table(title, mode["pages"]))
    if report.get("cold_renders"):
        print("\nfirst render after a content change (in-process, median of 5 changes)")
        for name, row in report["cold_renders"].items():
            print(
                f"  {name:<22} cold {row['cold_ms']:>6.1f} ms (worst {row['cold_max_ms']:.1f})"
                f"   warm {row['warm_ms']:>5.1f} ms"
            )
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
    for name, section in report.get("sections", {}).items():
        print(f"\nsection {name} (exit {section['returncode']})")
        print(section["output"].rstrip())
        if section["returncode"] not in {0, 1}:
            print(section["errors"].rstrip())
    plain = report["modes"].get("no page cache")
    if plain:
        print(f"\nstatic files: {plain['static']}")
    print(f"\nmachine: {cpus} CPUs, {platform.platform()}; fresh data: {report['fresh_data']}")
    print("\ntargets")
    for check in report["targets"]:
        print(f"  [{'met' if check['met'] else 'MISSED'}] {check['target']}: {check['value']}")


def measure(args, env, report):
    modes = report["modes"]
    port = args.port
    found = None
    if "plain" in args.modes:
        redis_flush(args.redis_db)
        menv = mode_env(env, args, page_cache=False)
        modes["no page cache"] = run_pages(
            args, menv, port, "no page cache", cold_renders="cold" in args.modes
        )
        found = modes["no page cache"]["probe"]
        report["cold_renders"] = found.pop("cold_renders", {})
    port += 1
    if "cached" in args.modes:
        redis_flush(args.redis_db)
        modes["page cache"] = run_pages(
            args, mode_env(env, args, page_cache=True), port, "page cache"
        )
    port += 1
    if found is None and args.modes & {"cold", "newsroom", "nginx", "hot", "memory"}:
        log("probing pages")
        found = probe(mode_env(env, args, page_cache=False), cold_renders="cold" in args.modes)
        report["cold_renders"] = found.pop("cold_renders", {})
    if "newsroom" in args.modes:
        redis_flush(args.redis_db)
        ensure_editor(env)
        modes["newsroom"] = run_pages(
            args, mode_env(env, args, page_cache=False), port, "newsroom", newsroom=True
        )
    port += 1
    if "nginx" in args.modes:
        redis_flush(args.redis_db)
        modes["nginx"] = run_nginx(args, mode_env(env, args, page_cache=True), port, found)
    port += 1
    if "hot" in args.modes:
        report["hot_article"] = run_hot_article(
            args,
            (
                mode_env(env, args, page_cache=False, buffer=False),
                mode_env(env, args, page_cache=False),
                mode_env(env, args, page_cache=True),
            ),
            (found["pages"]["article"]["path"], found["article_id"]),
            port,
        )
    port += 4
    if "memory" in args.modes:
        redis_flush(args.redis_db)
        report["memory"] = run_memory(
            args, mode_env(env, args, page_cache=False), found["article_paths"], port
        )
    if "upload" in args.modes:
        report["upload_memory"] = run_upload_memory(env)
    for mode in modes.values():
        mode.get("probe", {}).pop("article_paths", None)


def main():
    args = parse_args()
    started = datetime.datetime.now(datetime.UTC)
    env = base_env(args)
    ensure_database(args.db)
    log("migrating")
    manage(env, "migrate", "--noinput", "-v0")
    # Before the data: each save renders the shared pieces of the frame (portal.warmup),
    # and the production storage names static files from collectstatic's manifest.
    manage(env, "collectstatic", "--noinput", "-v0")
    generated = manage(env, "bench_data", "--articles", str(args.articles), capture=True)
    # As each deploy (and Celery beat, daily) does: a search index for every year of news.
    manage(env, "search_year_indexes")
    vacuum(args.db)
    report = {
        "started": started.isoformat(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        # The first run after generating the data reads a database the operating system
        # has not cached yet: the slowest a fresh deployment is.
        "fresh_data": "already present" not in generated,
        "load_average_start": list(os.getloadavg()),
        "settings": {
            "database": args.db,
            "articles": args.articles,
            "duration_s": args.duration,
            "newsroom_duration_s": args.newsroom_duration,
            "edit_every_s": args.edit_every,
            "rounds": args.rounds,
            "wrk_threads": args.threads,
            "wrk_connections": args.connections,
            "gunicorn_workers": 2,
            "modes": sorted(args.modes),
        },
        "modes": {},
    }
    failure = None
    try:
        measure(args, env, report)
    except BenchError as error:
        failure = str(error)
    if "sections" in args.modes and failure is None:
        report["sections"] = run_sections(args)
    report["load_average_end"] = list(os.getloadavg())
    report["failure"] = failure
    report["targets"] = verdicts(report) if failure is None else []
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{started:%Y%m%d-%H%M%S}.json"
    text = json.dumps(report, indent=2, ensure_ascii=False)
    path.write_text(text)
    (RESULTS / "latest.json").write_text(text)
    if failure is not None:
        sys.stderr.write(f"\nBENCHMARK FAILED: {failure}\nJSON: {path.relative_to(ROOT)}\n")
        sys.exit(2)
    print_report(args, report)
    print(f"\nJSON: {path.relative_to(ROOT)}")
    missed = [check["target"] for check in report["targets"] if not check["met"]]
    if missed:
        print(f"\n{len(missed)} target(s) missed.")
        sys.exit(1)


if __name__ == "__main__":
    main()
