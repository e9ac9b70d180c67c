"""Hostile requests over a real socket to gunicorn with the production configuration: raw
non-UTF-8 bytes, overlong request lines, absolute-form and bogus hosts, conflicting length
headers. The test client cannot send these; gunicorn and Django must answer them below 500."""

import socket

import pytest

from tests.ops_support import Gunicorn, gunicorn_env, http_get, read_answer

RAW_REQUESTS = [
    (b"GET /az/\xff\xfe/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400, 404}),
    (b"GET /az/news/?page=\xc0\xaf HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400, 404}),
    # Hostile searches at each language's own search address (a 404 would only mean a
    # wrong address). Raw non-UTF-8 bytes: gunicorn refuses the request line itself.
    # The same bytes percent-encoded reach the search, which answers with its page.
    (b"GET /en/search/?q=\xff%00' HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    (b"GET /az/axtaris/?q=\xff%00' HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400}),
    (b"GET /en/search/?q=%FF%00%27%C0%AF HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {200}),
    (b"GET /az/axtaris/?q=%FF%00%27%C0%AF HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {200}),
    (b"GET /az/" + b"a" * 6000 + b"/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400, 414}),
    (b"GET /az/ HTTP/1.1\r\nHost: evil.example\r\n\r\n", {400}),
    # Absolute form: gunicorn takes the path, Django the Host header; evil.example is ignored.
    (b"GET http://evil.example/az/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {200, 400, 404}),
    (b"GET /az/ HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n", {400}),
    (b"GET /../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400, 404}),
    (b"GET /media/..%2f..%2fportal%2fsettings.py HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {404}),
    (
        b"POST /az/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        {400, 405},
    ),
    (b"GET /az/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad: a\x00b\r\n\r\n", {400}),
    (b"BREW /az/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {400, 405}),
    (b"GET /az/ HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", {400, 505}),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello to a plain port", None),
]


def raw_answer(port, payload):
    """(status, everything the server sent) for one raw request."""
    with socket.create_connection(("127.0.0.1", port), timeout=3) as sock:
        sock.sendall(payload)
        return read_answer(sock, timeout=3)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_raw_hostile_requests_never_get_a_5xx(tmp_path):
    env = gunicorn_env()
    with Gunicorn(env, workers=1, log_path=tmp_path / "gunicorn.log") as server:
        for payload, expected in RAW_REQUESTS:
            status, data = raw_answer(server.port, payload)
            assert status is None or status < 500, (payload[:60], status, server.log_tail())
            assert b"evil.example" not in data, payload[:60]
            if expected is not None:
                assert status in expected, (payload[:60], status, data[:300])
        # Still serving afterwards.
        assert http_get(server.url + "/livez")[0] == 200
        assert http_get(server.url + "/az/")[0] == 200
