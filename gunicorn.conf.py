"""gunicorn settings for the portal, read from the environment.

    gunicorn -c gunicorn.conf.py portal.wsgi

Behind the shipped nginx (deploy/nginx/), under systemd (deploy/systemd/portal-web.service).
GUNICORN_BIND (default 127.0.0.1:8000), WEB_CONCURRENCY (workers; default 2 x cores + 1,
at most 12), GUNICORN_THREADS (default 1), GUNICORN_TIMEOUT (default 30 s). Behind a
reverse proxy set TRUST_PROXY_HEADERS=1 and TRUSTED_PROXIES (or FORWARDED_ALLOW_IPS) to the
proxy's address or network: only then, and only from those peers, are X-Forwarded-Proto /
-For believed, by gunicorn here and by Django (portal.proxies).
"""

import gc
import multiprocessing
import os


def _env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _default_workers():
    return min(2 * multiprocessing.cpu_count() + 1, 12)


wsgi_app = "portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = _env_int("WEB_CONCURRENCY", _default_workers())
threads = _env_int("GUNICORN_THREADS", 1)
# A page that takes longer than this is stuck: the worker is replaced.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
# On SIGTERM, requests in flight get this long to finish.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle workers now and then, staggered, so no slow leak grows for ever.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# What gunicorn itself can bound, each answered before Django sees the request:
# - the request line (method, URL, version), in bytes: longer gets 414. Our longest URLs
#   (an Azerbaijani slug or search, percent-encoded) stay under 1 KB;
limit_request_line = 4094
# - the number of header fields: more gets 431. A browser sends about 20, a proxy adds a few;
limit_request_fields = 100
# - the size of one header field, name and value, in bytes: larger gets 431. The biggest is
#   the Cookie header, a few hundred bytes here.
limit_request_field_size = 8190
# gunicorn has no limit on the body's size and no time limit on reading a request: those
# are nginx's (deploy/nginx/, docs/operations.md, step 5: whole requests only, headers
# within 10 s, 1 MB bodies, 24 MB for the admin) and the view's (limit_request_body in
# portal/middleware.py, which refuses an oversized appeal before reading it).

_TRUE = {"1", "true", "yes", "on"}  # as portal/settings.py reads a switch
_trust_proxy = os.environ.get("TRUST_PROXY_HEADERS", "").strip().lower() in _TRUE
# Whose X-Forwarded-* headers gunicorn believes: nobody's unless we sit behind a proxy, and
# then our proxies' only: the same list as Django's TRUSTED_PROXIES (portal/settings.py).
_proxies = os.environ.get("TRUSTED_PROXIES", "").strip() or os.environ.get(
    "FORWARDED_ALLOW_IPS", "127.0.0.1,::1"
)
forwarded_allow_ips = _proxies if _trust_proxy else ""
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"} if _trust_proxy else {}

# Logs: one JSON object a line on stdout, the access log carrying the request id.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logger_class = "portal.logging.GunicornJsonLogger"
capture_output = False
proc_name = "portal"
# gunicorn's control socket lives at one path per user: two instances on one machine (the
# two-server check, a blue/green switch) would fight over it. Opt in with a path of its own.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]


def post_worker_init(worker):
    """Once the worker has loaded Django: move everything alive now (modules, URL
    patterns, compiled templates) out of the garbage collector's sight. It is never
    freed anyway, and otherwise every full collection walks it again: about a tenth
    of a page's CPU time (docs/performance.md)."""
    gc.collect()
    gc.freeze()
