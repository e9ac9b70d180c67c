"""The benchmark's runner fails loudly (bench/run.py): a socket error, a timeout or a
non-2xx answer fails the run; answers that ran more SQL than a warm page are counted as
cold; the newsroom's editor posts back the admin's change form as it is today, every
field; a section that misses its target is a missed target of the run."""

import http.server
import importlib.util
import socket
import sys
import threading
import types

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory
from tests.ops_support import ROOT, any_free_port

sys.path.insert(0, str(ROOT / "bench"))
import editor as bench_editor  # bench/editor.py

_spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
bench_run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_run)


def wrk_args():
    return types.SimpleNamespace(threads=1, connections=2)


@pytest.fixture
def wrk_installed():
    import shutil

    if shutil.which("wrk") is None:
        pytest.skip("needs wrk (apt-get install wrk), the benchmark's load generator")


class _Answers(http.server.BaseHTTPRequestHandler):
    status = 200
    queries = "0"

    def do_GET(self):
        body = b"ok"
        self.send_response(self.status)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Bench-Queries", self.queries)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A tiny HTTP server whose status and query header a test sets."""

    class Handler(_Answers):
        pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # wrk hangs up mid-answer when its time is up

    httpd = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield Handler, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.slow
def test_a_server_that_is_not_there_fails_the_run(wrk_installed):
    closed = any_free_port()  # nothing listens there: every connect fails
    with pytest.raises(bench_run.BenchError, match="nowhere: wrk failed"):
        bench_run.wrk(wrk_args(), f"http://127.0.0.1:{closed}/", 1, what="nowhere")


@pytest.mark.slow
def test_a_non_2xx_answer_fails_the_run(wrk_installed, server):
    handler, url = server
    handler.status = 503
    with pytest.raises(bench_run.BenchError, match="non-2xx answers \\(the last 503\\)"):
        bench_run.wrk(wrk_args(), url, 1, what="failing page")


@pytest.mark.slow
def test_answers_that_ran_more_sql_than_a_warm_page_count_as_cold(wrk_installed, server):
    handler, url = server
    handler.queries = "7"
    result = bench_run.wrk(wrk_args(), url, 1, cold_above=2)
    assert result["ok"] > 0
    assert result["cold"] == result["ok"]
    handler.queries = "2"
    assert bench_run.wrk(wrk_args(), url, 1, cold_above=2)["cold"] == 0


@pytest.mark.slow
def test_socket_errors_fail_the_run(wrk_installed):
    """A server that drops every connection: read errors, no answers. (The hot-article
    run, which kills a worker on purpose, allows one per connection; not more.)"""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    stop = threading.Event()

    def reset_everyone():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            client.close()

    thread = threading.Thread(target=reset_everyone, daemon=True)
    thread.start()
    try:
        with pytest.raises(bench_run.BenchError, match="dropping"):
            bench_run.wrk(
                wrk_args(), f"http://127.0.0.1:{port}/", 1, what="dropping", allow_errors=2
            )
    finally:
        stop.set()
        thread.join()
        listener.close()


@pytest.mark.django_db
def test_the_editor_posts_back_every_field_of_todays_change_form(admin_client):
    """What bench/editor.py sends is what a browser sends: the admin saves it."""
    article = ArticleFactory(title_az="Redaktə olunacaq xəbər")
    url = reverse("admin:news_article_change", args=[article.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    data = bench_editor.form_data(page.content.decode())
    names = {name for name, _value in data}
    assert "title_az" in names
    assert not any("__prefix__" in name for name in names)
    data = [
        (name, "Redaktə olunmuş xəbər" if name == "title_az" else value) for name, value in data
    ]
    posted = {}
    for name, value in data:
        posted.setdefault(name, []).append(value)
    answer = admin_client.post(url, {**posted, "_continue": "1"})
    assert answer.status_code == 302, bench_editor.form_errors(answer.content.decode())
    article.refresh_from_db()
    assert article.title_az == "Redaktə olunmuş xəbər"


@pytest.mark.slow
def test_sections_are_run_and_a_missed_target_is_reported(tmp_path):
    (tmp_path / "fast.py").write_text("print('fast: all met')\n")
    (tmp_path / "slow.py").write_text("import sys\nprint('slow: MISSED')\nsys.exit(1)\n")
    (tmp_path / "broken.py").write_text("raise SystemExit(3)\n")
    (tmp_path / "_helper.py").write_text("raise SystemExit('never run')\n")
    sections = bench_run.run_sections(types.SimpleNamespace(db="portal_bench"), tmp_path)
    assert list(sections) == ["broken", "fast", "slow"]
    assert sections["fast"]["output"] == "fast: all met\n"
    verdicts = {
        check["target"]: (check["met"], check["value"])
        for check in bench_run.verdicts({"modes": {}, "sections": sections})
    }
    assert verdicts == {
        "section broken: its own targets": (False, "failed (exit 3)"),
        "section fast: its own targets": (True, "all met"),
        "section slow: its own targets": (False, "missed"),
    }


def test_database_and_cache_cpu_is_counted_per_process_never_negative():
    """A PostgreSQL backend that ends between two readings (a connection recycled) must not
    take its whole life's CPU off the page's cost; one that starts counts whole."""
    import os

    clock = os.sysconf("SC_CLK_TCK")
    before = {("postgres", 10): 5 * clock, ("postgres", 11): 2 * clock, ("redis-server", 3): 0}
    after = {("postgres", 11): 3 * clock, ("postgres", 12): clock, ("redis-server", 3): clock}
    assert bench_run.service_cpu_seconds(before, after) == {"postgres": 2.0, "redis-server": 1.0}
