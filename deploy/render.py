#!/usr/bin/env python3
"""Render the portal's nginx configuration from deploy/nginx/*.template.

    python3 deploy/render.py --out /etc/nginx/portal --server-name news.example.gov.az \\
        --upstream 127.0.0.1:8000 --static-root /srv/portal/static \\
        --media-root /srv/portal/media --certificate /etc/letsencrypt/live/…/fullchain.pem \\
        --certificate-key /etc/letsencrypt/live/…/privkey.pem --stapling \\
        --trusted-certificate /etc/letsencrypt/live/…/chain.pem

writes site.conf (include it in nginx's http block: Debian's sites-enabled), proxy.conf,
static-headers.conf and media-headers.conf into --out. With --standalone PREFIX it also
writes PREFIX/nginx.conf, a main configuration that runs as the current user with
everything inside PREFIX (`make stack`, tests/test_nginx.py):

    nginx -p PREFIX -c PREFIX/nginx.conf -e PREFIX/error.log -g 'daemon off;'

Standard library only: a bare Debian host runs it with its python3 before any virtual
environment exists. Every {{NAME}} in a template must be given, or it stops.
"""

import argparse
import getpass
import os
import re
import sys
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "nginx"
# What portal/settings.py and portal/media.py send: the test compares them with Django's.
STATIC_FILES_CSP = (
    "default-src 'none'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'; sandbox"
)
MEDIA_CSP = "default-src 'none'; img-src 'self'; sandbox"
MEDIA_MAX_AGE = 7 * 24 * 3600
RENDITION_MAX_AGE = 365 * 24 * 3600
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
FILES = {
    "site.conf": "portal.conf.template",
    "proxy.conf": "proxy.conf.template",
    "static-headers.conf": "static-headers.conf.template",
    "media-headers.conf": "media-headers.conf.template",
}
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


def fill(template, values):
    def value(match):
        name = match.group(1)
        if name not in values:
            raise KeyError(f"{template.name}: no value for {{{{{name}}}}}")
        return str(values[name])

    return PLACEHOLDER.sub(value, template.read_text())


def listen_lines(addresses, port, extra=""):
    lines = []
    for address in addresses:
        host = f"[{address}]" if ":" in address else address
        # An IPv6 wildcard next to an IPv4 one must not claim IPv4 too.
        flags = " ipv6only=on" if address == "::" else ""
        lines.append(f"    listen {host}:{port}{extra}{flags};")
    return "\n".join(lines)


def stapling_lines(args):
    if not args.stapling:
        return "    # OCSP stapling: off (a self-signed certificate has no OCSP responder)."
    lines = [
        "    # OCSP stapling: the certificate's revocation status, fetched by nginx.",
        "    ssl_stapling on;",
        "    ssl_stapling_verify on;",
    ]
    if args.trusted_certificate:
        lines.append(f"    ssl_trusted_certificate {args.trusted_certificate};")
    lines.append(f"    resolver {args.resolver} valid=300s;")
    lines.append("    resolver_timeout 5s;")
    return "\n".join(lines)


def hsts(seconds, subdomains, preload):
    value = f"max-age={seconds}"
    if subdomains:
        value += "; includeSubDomains"
    if preload:
        value += "; preload"
    return value


def values_for(args, out):
    https_suffix = "" if args.https_port == 443 else f":{args.https_port}"
    return {
        "SERVER_NAME": " ".join(args.server_name),
        "HTTP_LISTEN": listen_lines(args.listen, args.http_port),
        "HTTPS_LISTEN": listen_lines(args.listen, args.https_port, " ssl http2"),
        "HTTPS_PORT_SUFFIX": https_suffix,
        "UPSTREAM_SERVERS": "\n".join(
            f"    server {server} max_fails=3 fail_timeout=10s;" for server in args.upstream
        ),
        "CACHE_DIR": args.cache_dir,
        "CERTIFICATE": args.certificate,
        "CERTIFICATE_KEY": args.certificate_key,
        "OCSP_STAPLING": stapling_lines(args),
        "ACCESS_LOG": args.access_log,
        "STATIC_ROOT": str(Path(args.static_root)).rstrip("/"),
        "MEDIA_ROOT": str(Path(args.media_root)).rstrip("/"),
        "PROXY_SNIPPET": out / "proxy.conf",
        "STATIC_HEADERS_SNIPPET": out / "static-headers.conf",
        "MEDIA_HEADERS_SNIPPET": out / "media-headers.conf",
        "HSTS": hsts(args.hsts_seconds, not args.hsts_no_subdomains, not args.hsts_no_preload),
        "STATIC_FILES_CSP": STATIC_FILES_CSP,
        "MEDIA_CSP": MEDIA_CSP,
        "MEDIA_MAX_AGE": MEDIA_MAX_AGE,
        "RENDITION_MAX_AGE": RENDITION_MAX_AGE,
        "PERMISSIONS_POLICY": PERMISSIONS_POLICY,
    }


def render(args):
    """Write the files; returns the path of the file to give `nginx -c`."""
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    values = values_for(args, out)
    for name, template in FILES.items():
        (out / name).write_text(fill(TEMPLATES / template, values))
    if not args.standalone:
        return out / "site.conf"
    prefix = Path(args.standalone).resolve()
    for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "tmp" / folder).mkdir(parents=True, exist_ok=True)
    if out != prefix / "portal":
        raise SystemExit("--standalone PREFIX needs --out PREFIX/portal")
    main_conf = prefix / "nginx.conf"
    main_conf.write_text(
        fill(
            TEMPLATES / "standalone.conf.template",
            {
                "PREFIX": prefix,
                # Run as root (CI), nginx would hand its workers to "nobody", who may not
                # read a test's private folders: they stay whoever started it.
                "USER": f"user {getpass.getuser()};\n" if os.geteuid() == 0 else "",
                "WORKER_PROCESSES": args.worker_processes,
                "MIME_TYPES": args.mime_types,
            },
        )
    )
    return main_conf


def parser():
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--out", required=True, help="folder for site.conf and its snippets")
    p.add_argument("--server-name", nargs="+", required=True, help="the site's host names")
    p.add_argument("--upstream", nargs="+", default=["127.0.0.1:8000"], help="gunicorn(s)")
    p.add_argument("--static-root", required=True, help="STATIC_ROOT (collectstatic's)")
    p.add_argument("--media-root", required=True, help="MEDIA_ROOT")
    p.add_argument("--certificate", required=True)
    p.add_argument("--certificate-key", required=True)
    p.add_argument("--stapling", action="store_true", help="OCSP stapling (a real certificate)")
    p.add_argument("--trusted-certificate", help="the issuer chain, for --stapling")
    p.add_argument("--resolver", default="127.0.0.53", help="DNS for OCSP, with --stapling")
    p.add_argument("--listen", nargs="+", default=["0.0.0.0", "::"], help="addresses")  # noqa: S104
    p.add_argument("--http-port", type=int, default=80)
    p.add_argument("--https-port", type=int, default=443)
    p.add_argument("--cache-dir", default="/var/cache/nginx/portal")
    p.add_argument("--access-log", default="/var/log/nginx/portal.access.log")
    p.add_argument("--hsts-seconds", type=int, default=63072000, help="SECURE_HSTS_SECONDS")
    p.add_argument("--hsts-no-subdomains", action="store_true")
    p.add_argument("--hsts-no-preload", action="store_true")
    p.add_argument("--standalone", metavar="PREFIX", help="also write PREFIX/nginx.conf")
    p.add_argument("--worker-processes", default="auto")
    p.add_argument("--mime-types", default="/etc/nginx/mime.types")
    return p


def main(argv=None):
    path = render(parser().parse_args(argv))
    sys.stdout.write(f"{path}\n")


if __name__ == "__main__":
    main()
