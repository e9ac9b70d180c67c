#!/usr/bin/env python
"""Two app servers on one PostgreSQL and one Redis: prove they act as one site.

    .venv/bin/python scripts/two_servers.py [--ports 8200,8201] [--views 400]

It creates a scratch database, migrates it, collects static files, and starts two
gunicorn processes (production settings, DEBUG off, the whole-page cache on) sharing
that database and one Redis database. Then:

  1. both servers serve the home page (and cache it);
  2. an editor signs in to server A's admin and publishes an article;
  3. server B shows it within CONTENT_VERSION_TTL, its cached home page notwithstanding:
     on its home page and at the article's address. Each worker re-reads the content
     version from PostgreSQL at most that often (2 s here), so the check polls B, and
     A's other workers, for up to 10 s and says how long it took;
  4. concurrent readers, spread over both servers, view the article; once the view
     buffer is flushed the database holds exactly that many views.

It prints a PASS/FAIL line per check and exits 0 only if all pass. Everything it made
(servers, scratch database, its Redis database) is removed at the end.
"""

import argparse
import concurrent.futures
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
READER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
EDITOR = ("two-servers-editor", "a-" + secrets.token_urlsafe(18))


class Check:
    def __init__(self):
        self.results = []

    def __call__(self, name, ok, detail=""):
        self.results.append((name, bool(ok)))
        print(f"{'PASS' if ok else 'FAIL'}  {name}{f'  ({detail})' if detail else ''}", flush=True)
        return ok

    @property
    def passed(self):
        return all(ok for _name, ok in self.results)


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ports", default="8200,8201", help="two ports, comma-separated")
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432", help="server URL"
    )
    parser.add_argument("--database", default="portal_two_servers", help="scratch database")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--views", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument(
        "--version-ttl",
        type=float,
        default=2.0,
        help="CONTENT_VERSION_TTL: how often a worker re-reads the content version",
    )
    parser.add_argument(
        "--within",
        type=float,
        default=10.0,
        help="seconds the other server may take to show a change",
    )
    return parser.parse_args()


def run(args, env, **kwargs):
    print(f"  … {' '.join(args[2:4])}", flush=True)
    result = subprocess.run(  # noqa: S603
        args, cwd=ROOT, env=env, capture_output=True, text=True, check=False, **kwargs
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def admin_sql(server_url, *statements):
    import psycopg2

    conn = psycopg2.connect(f"{server_url}/postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        conn.close()


def query(database_url, sql, params=()):
    import psycopg2

    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        conn.close()


def forget_redis_keys(url, prefix):
    """Delete this run's keys only: the Redis database may be shared with other runs."""
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)


class Browser:
    """A cookie-keeping HTTP client, enough to sign in and post an admin form."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def request(self, path, data=None, headers=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(  # noqa: S310 - our own http://127.0.0.1 servers
            self.base + path, data=body, headers={"User-Agent": READER_UA, **(headers or {})}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode()


def form_fields(html, form_id):
    """The values a browser would submit from the form, as a dict of lists."""
    from bs4 import BeautifulSoup

    form = BeautifulSoup(html, "html.parser").find("form", id=form_id)
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        kind = field.get("type")
        if (
            not name
            or kind in {"submit", "file"}
            or (kind == "checkbox" and not field.get("checked"))
        ):
            continue
        if field.name == "select":
            chosen = field.find_all("option", selected=True)
            if not chosen and not field.has_attr("multiple"):
                chosen = field.find_all("option")[:1]
            data[name] = [option.get("value", "") for option in chosen]
        elif field.name == "textarea":
            data[name] = [field.text]
        else:
            data[name] = [field.get("value", "")]
    return data


def publish_through_admin(base, category_id, title_az, title_en):
    browser = Browser(base)
    _status, _url, page = browser.request("/admin/login/?next=/admin/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, url, _page = browser.request(
        "/admin/login/?next=/admin/",
        {"username": EDITOR[0], "password": EDITOR[1], "csrfmiddlewaretoken": token},
    )
    if not url.endswith("/admin/"):
        raise RuntimeError(f"sign-in failed ({status} {url})")
    _status, _url, page = browser.request("/admin/news/article/add/")
    data = form_fields(page, "article_form")
    data.update(
        {
            "title_az": [title_az],
            "title_en": [title_en],
            "body_az": [f"<p>{title_az}: mətn.</p>"],
            "body_en": [f"<p>{title_en}: text.</p>"],
            "category": [str(category_id)],
            "status": ["published"],
        }
    )
    status, url, page = browser.request("/admin/news/article/add/", data)
    if "/add/" in url:
        errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
        raise RuntimeError(f"the admin refused the article ({status}): {errors[:3]}")


# Checks identify as a monitor, which the view counter ignores; only readers count.
MONITOR_UA = "two-servers-check (monitor)"


def get(base, path, user_agent=MONITOR_UA):
    return fetch(base, path, user_agent)[:2]


def fetch(base, path, user_agent=MONITOR_UA):
    """(status, text, headers) without raising on 4xx/5xx."""
    request = urllib.request.Request(base + path, headers={"User-Agent": user_agent})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


def poll(looks_right, within, interval=0.2):
    """Seconds until `looks_right()` is true, or None if it is not within `within`."""
    started = time.monotonic()
    while True:
        if looks_right():
            return time.monotonic() - started
        if time.monotonic() - started > within:
            return None
        time.sleep(interval)


def start_server(port, env, log_dir):
    log = open(log_dir / f"gunicorn-{port}.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(  # noqa: S603
        [GUNICORN, "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    # Our own process must say it listens there: a port taken by someone else fails here.
    listening = f"Listening at: {base} ({process.pid})"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn on {port} exited (port in use?); see {log.name}")
        try:
            if listening in Path(log.name).read_text() and get(base, "/livez")[0] == 200:
                return process, base
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn on {port} did not start")


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def main():  # noqa: PLR0915 - one straight story, told in order
    options = arguments()
    ports = [int(port) for port in options.ports.split(",")]
    database_url = f"{options.postgres}/{options.database}"
    workdir = Path(tempfile.mkdtemp(prefix="two-servers-"))
    prefix = f"two-servers-{secrets.token_hex(6)}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "TEST_DATABASE_NAME"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "HTTPS": "0",  # plain HTTP on the loopback: no TLS proxy in this rig
            "DATABASE_URL": database_url,
            "REDIS_URL": options.redis_url,
            "CACHE_KEY_PREFIX": prefix,
            "PAGE_CACHE_SECONDS": "300",
            "CONTENT_VERSION_TTL": str(options.version_ttl),
            "VIEW_FLUSH_SECONDS": "1",
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "WEB_CONCURRENCY": str(options.workers),
            "DJANGO_SUPERUSER_PASSWORD": EDITOR[1],
        }
    )
    check = Check()
    servers = []
    print(
        f"two servers on ports {ports[0]} and {ports[1]}, database {options.database}, "
        f"redis {options.redis_url}",
        flush=True,
    )
    try:
        admin_sql(
            options.postgres,
            f'DROP DATABASE IF EXISTS "{options.database}" WITH (FORCE)',
            f'CREATE DATABASE "{options.database}"',
        )
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        run(
            [
                PYTHON,
                "manage.py",
                "createsuperuser",
                "--noinput",
                "--username",
                EDITOR[0],
                "--email",
                "editor@example.gov.az",
            ],
            env,
        )
        run(
            [
                PYTHON,
                "manage.py",
                "shell",
                "-c",
                "from news.models import Category; "
                "Category.objects.create(name_az='Xəbərlər', name_en='News')",
            ],
            env,
        )
        category_id = query(database_url, "SELECT id FROM news_category")[0][0]
        servers = [start_server(port, env, workdir) for port in ports]
        (_a_process, a), (_b_process, b) = servers

        # 1. Both serve (and cache) the home page before the article exists.
        homes = [get(base, "/az/")[0] for base in (a, b)] + [get(b, "/az/")[0]]
        check("both servers serve the home page", homes == [200, 200, 200], f"statuses {homes}")
        cached = poll(lambda: fetch(b, "/az/")[2].get("X-Page-Cache") == "hit", within=5)
        check("server B serves its home page from the page cache", cached is not None)

        # 2. Publish through server A's admin.
        stamp = secrets.token_hex(3)
        title_az, title_en = f"İki server yoxlaması {stamp}", f"Two-server check {stamp}"
        publish_through_admin(a, category_id, title_az, title_en)
        published = time.monotonic()
        rows = query(database_url, "SELECT id FROM news_article WHERE title_az = %s", (title_az,))
        check("article published through server A's admin", len(rows) == 1)
        article_id = rows[0][0]

        # 3. Server B shows it within CONTENT_VERSION_TTL: its cached home page is stale,
        # and B learns of the change when its workers next read the content version.
        def shown_on(base):
            def looks_right():
                status_home, home = get(base, "/az/")
                status_en, home_en = get(base, "/en/")
                status_article, article = get(base, f"/az/news/{article_id}/")
                return (
                    (status_home, status_en, status_article) == (200, 200, 200)
                    and title_az in home
                    and title_en in home_en
                    and title_az in article
                )

            return looks_right

        waited = poll(shown_on(b), within=options.within)
        seen_after = time.monotonic() - published
        check(
            f"server B shows it within {options.within:.0f} s (home pages and the article)",
            waited is not None,
            f"seen {seen_after:.1f} s after the admin's answer, "
            f"CONTENT_VERSION_TTL {options.version_ttl:g} s"
            if waited is not None
            else f"still not shown after {seen_after:.1f} s",
        )
        # Once CONTENT_VERSION_TTL has passed since the change, every worker of both
        # servers has read the new version: every look shows it.
        time.sleep(max(0.0, published + options.version_ttl - time.monotonic()))
        looks = [shown_on(base)() for base in (a, b) for _look in range(4)]
        check(
            f"after {options.version_ttl:g} s both servers show it at every look",
            all(looks),
            f"{looks.count(True)} of {len(looks)} looks",
        )

        # 4. Concurrent views over both servers add up exactly.
        path = f"/az/news/{article_id}/"
        targets = [(a if n % 2 == 0 else b) for n in range(options.views)]
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(options.concurrency) as pool:
            statuses = list(pool.map(lambda base: get(base, path, READER_UA)[0], targets))
        elapsed = time.monotonic() - started
        ok = statuses.count(200)
        check(
            f"{options.views} concurrent views answered 200",
            ok == options.views,
            f"{ok} ok in {elapsed:.1f} s, {options.views / elapsed:.0f} views/s, "
            f"{targets.count(a)} via A, {targets.count(b)} via B",
        )
        deadline = time.monotonic() + 30
        total = daily = 0
        while time.monotonic() < deadline:
            total = query(
                database_url, "SELECT view_count FROM news_article WHERE id = %s", (article_id,)
            )[0][0]
            daily = query(
                database_url,
                "SELECT coalesce(sum(count), 0) FROM news_dailyviews WHERE article_id = %s",
                (article_id,),
            )[0][0]
            if total >= options.views and daily >= options.views:
                break
            time.sleep(0.25)
        time.sleep(2)  # two more flush intervals: nothing may be added twice either
        total = query(
            database_url, "SELECT view_count FROM news_article WHERE id = %s", (article_id,)
        )[0][0]
        daily = query(
            database_url,
            "SELECT coalesce(sum(count), 0) FROM news_dailyviews WHERE article_id = %s",
            (article_id,),
        )[0][0]
        check(
            "views add up exactly in the database",
            total == options.views,
            f"article.view_count = {total}, expected {options.views}",
        )
        check("daily view rows add up too", daily == options.views, f"sum = {daily}")
    except Exception as error:  # a broken step is a FAIL in the report, not a traceback
        check("the check ran to the end", False, f"{type(error).__name__}: {error}")
    finally:
        for process, _base in servers:
            stop(process)
        try:
            admin_sql(
                options.postgres, f'DROP DATABASE IF EXISTS "{options.database}" WITH (FORCE)'
            )
            forget_redis_keys(options.redis_url, prefix)
        except Exception as error:
            print(f"cleanup: {error}", file=sys.stderr)
        logs = list(workdir.glob("gunicorn-*.log"))
        if check.passed:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"server logs kept in {workdir}: {', '.join(log.name for log in logs)}")
    print("RESULT: PASS" if check.passed else "RESULT: FAIL", flush=True)
    return 0 if check.passed else 1


if __name__ == "__main__":
    sys.exit(main())
