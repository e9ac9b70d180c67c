#!/usr/bin/env python
"""Lighthouse 12 (package.json) over every public page type, in both languages, on a
desktop and a phone, against Debian's Chromium: `make lighthouse`.

What it does:

1. creates the database LIGHTHOUSE_DATABASE (default portal_lighthouse) afresh on the
   server of LIGHTHOUSE_DATABASE_URL's (default postgres://postgres@127.0.0.1:5432/postgres),
   migrates it, loads the demo content and collects the static files;
2. starts gunicorn (gunicorn.conf.py) with production settings on 127.0.0.1:LIGHTHOUSE_PORT
   (default 8765), plain HTTP (HTTPS=0);
3. runs Lighthouse on each page (tests/browser/site_pages.py names them; the 404 page is
   left out), desktop and mobile, and prints a table;
4. exits 1 if any page misses a target: accessibility, best practices and SEO 100
   (the pages tests/browser/site_pages.py lists in NOT_INDEXED, such as search and
   one person's appeal or subscription pages, ask robots not to index them on purpose:
   their SEO may miss that one audit only),
   performance at least 95, cumulative layout shift below 0.05.

Not part of `make test`: a Lighthouse run takes about fifteen minutes, and its performance
score depends on how busy the machine is. LIGHTHOUSE_ONLY=home,article-photo limits the
page types; LIGHTHOUSE_KEEP=1 keeps the reports in .lighthouse/.
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PORT = int(os.environ.get("LIGHTHOUSE_PORT", "8765"))
SERVER_URL = os.environ.get(
    "LIGHTHOUSE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
DATABASE = os.environ.get("LIGHTHOUSE_DATABASE", "portal_lighthouse")
REPORTS = ROOT / ".lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}
MAX_CLS = 0.05
# Pages that ask robots not to index them (site_pages.NOT_INDEXED) may fail that audit
# alone.
ALLOWED_ON_NOT_INDEXED = {"is-crawlable"}
SKIPPED_PAGE_TYPES = {"not-found"}
ATTEMPTS = 3

URLS = """
import json
from tests.browser.site_pages import LANGUAGES, NOT_INDEXED, PAGE_TYPES, url_for
print(json.dumps([
    [t, lang, url_for(t, lang), t in NOT_INDEXED] for t in PAGE_TYPES for lang in LANGUAGES
]))
"""


def database_url(name):
    parts = urlsplit(SERVER_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def run(command, env, **options):
    return subprocess.run(command, env=env, cwd=ROOT, check=True, **options)  # noqa: S603


def prepare(env):
    admin = database_url("postgres")
    for sql in [f'DROP DATABASE IF EXISTS "{DATABASE}"', f'CREATE DATABASE "{DATABASE}"']:
        run(["psql", admin, "-q", "-c", sql], env)
    manage = [str(BIN / "python"), "manage.py"]
    run([*manage, "migrate", "--noinput", "-v", "0"], env, stderr=subprocess.DEVNULL)
    run([*manage, "search_year_indexes"], env, stdout=subprocess.DEVNULL)
    run([*manage, "load_demo"], env, stdout=subprocess.DEVNULL)
    run([*manage, "collectstatic", "--noinput", "-v", "0"], env)
    found = run([*manage, "shell", "-c", URLS], env, capture_output=True, text=True)
    return [tuple(row) for row in json.loads(found.stdout.strip().splitlines()[-1])]


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own server
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def audit(url, form_factor, output):
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    # Lighthouse now and then fails to record a trace on a busy machine (NO_NAVSTART):
    # that run is repeated, up to ATTEMPTS times.
    for attempt in range(1, ATTEMPTS + 1):
        done = subprocess.run(command, env=env, check=attempt == ATTEMPTS, cwd=ROOT)  # noqa: S603
        if done.returncode == 0:
            break
    return json.loads(Path(output).read_text())


def problems(report, not_indexed):
    found = []
    for name in CATEGORIES:
        category = report["categories"][name]
        score = category["score"] or 0
        if score >= TARGETS[name]:
            continue
        failing = {
            ref["id"]
            for ref in category["auditRefs"]
            if ref["weight"] and (report["audits"][ref["id"]]["score"] or 0) < 1
        }
        if failing and not_indexed and failing <= ALLOWED_ON_NOT_INDEXED:
            continue
        found.append(f"{name} {score:.2f} ({', '.join(sorted(failing)) or 'timing'})")
    cls = report["audits"]["cumulative-layout-shift"]["numericValue"]
    if cls >= MAX_CLS:
        found.append(f"CLS {cls:.3f}")
    return found


def main():
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is missing: npm install --ignore-scripts")
    work = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    env = dict(
        os.environ,
        DATABASE_URL=database_url(DATABASE),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        HTTPS="0",
        STATIC_ROOT=str(work / "static"),
        MEDIA_ROOT=str(work / "media"),
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    env.pop("DEBUG", None)
    env.pop("REDIS_URL", None)
    pages = prepare(env)
    only = {name for name in os.environ.get("LIGHTHOUSE_ONLY", "").split(",") if name}
    pages = [
        page
        for page in pages
        if page[0] not in SKIPPED_PAGE_TYPES and (not only or page[0] in only)
    ]
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{PORT}", "portal.wsgi"],
        env=env,
        cwd=ROOT,
        # Its access log would bury the table.
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    failures = []
    try:
        wait_for(f"http://127.0.0.1:{PORT}/livez")
        REPORTS.mkdir(exist_ok=True)
        print(f"{'page':<28}{'form':<9}{'perf':>6}{'a11y':>6}{'bp':>6}{'seo':>6}{'CLS':>8}")
        for page_type, language, path, not_indexed in pages:
            for form_factor in ("desktop", "mobile"):
                name = f"{page_type}-{language}-{form_factor}"
                report = audit(
                    f"http://127.0.0.1:{PORT}{path}", form_factor, REPORTS / f"{name}.json"
                )
                scores = [report["categories"][c]["score"] or 0 for c in CATEGORIES]
                cls = report["audits"]["cumulative-layout-shift"]["numericValue"]
                print(
                    f"{page_type + '-' + language:<28}{form_factor:<9}"
                    + "".join(f"{round(score * 100):>6}" for score in scores)
                    + f"{cls:>8.3f}",
                    flush=True,
                )
                for problem in problems(report, not_indexed):
                    failures.append(f"{name}: {problem}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
        if not os.environ.get("LIGHTHOUSE_KEEP"):
            shutil.rmtree(REPORTS, ignore_errors=True)
    if failures:
        print("\nMissed targets:")
        print("\n".join(failures))
        return 1
    print("\nEvery page meets every target.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
