"""deploy/render.py, the nginx configuration's renderer, without running nginx
(tests/test_nginx.py runs it): what it writes for production, and that the headers it
gives static files and uploads are the ones Django gives them."""

import re
import sys

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from portal.media import MEDIA_CSP, RENDITION_MAX_AGE, cache_control
from portal.middleware import SecurityHeadersMiddleware
from tests.ops_support import ROOT

sys.path.insert(0, str(ROOT / "deploy"))
import render  # deploy/render.py

PRODUCTION = [
    "--server-name",
    "news.example.gov.az",
    "--upstream",
    "10.0.0.11:8000",
    "10.0.0.12:8000",
    "--static-root",
    "/srv/portal/static/",
    "--media-root",
    "/srv/portal/media",
    "--certificate",
    "/etc/ssl/portal/fullchain.pem",
    "--certificate-key",
    "/etc/ssl/portal/privkey.pem",
]


def rendered(tmp_path, *extra):
    args = render.parser().parse_args(["--out", str(tmp_path / "portal"), *PRODUCTION, *extra])
    site = render.render(args)
    return {path.name: path.read_text() for path in site.parent.iterdir()}


def test_production_defaults(tmp_path):
    files = rendered(tmp_path)
    site = files["site.conf"]
    assert "{{" not in "".join(files.values())
    assert "listen 0.0.0.0:443 ssl http2;" in site
    assert "listen [::]:443 ssl http2 ipv6only=on;" in site
    assert "return 301 https://$host$request_uri;" in site, "no port on 443"
    assert "server 10.0.0.11:8000" in site
    assert "server 10.0.0.12:8000" in site
    assert "alias /srv/portal/static/;" in site
    assert "ssl_protocols TLSv1.3;" in site
    assert "ssl_stapling on;" not in site
    assert f"include {tmp_path / 'portal' / 'proxy.conf'};" in site
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in files["proxy.conf"]
    assert "proxy_set_header Host $portal_host;" in files["proxy.conf"]


def test_a_real_certificate_gets_ocsp_stapling_and_another_port_keeps_it(tmp_path):
    files = rendered(
        tmp_path,
        "--stapling",
        "--trusted-certificate",
        "/etc/ssl/portal/chain.pem",
        "--https-port",
        "8443",
    )
    site = files["site.conf"]
    assert "ssl_stapling on;" in site
    assert "ssl_stapling_verify on;" in site
    assert "ssl_trusted_certificate /etc/ssl/portal/chain.pem;" in site
    assert "return 301 https://$host:8443$request_uri;" in site


def test_an_unknown_placeholder_stops_the_render(tmp_path):
    template = tmp_path / "broken.template"
    template.write_text("server_name {{NOT_AN_OPTION}};")
    with pytest.raises(KeyError, match="NOT_AN_OPTION"):
        render.fill(template, {})


def test_static_files_get_the_headers_whitenoise_gives_them(tmp_path):
    headers = rendered(tmp_path)["static-headers.conf"]
    page = SecurityHeadersMiddleware(lambda request: HttpResponse())(RequestFactory().get("/"))
    assert f'Content-Security-Policy "{settings.STATIC_FILES_CSP}"' in headers
    assert f'Permissions-Policy "{page["Permissions-Policy"]}"' in headers
    assert f'Referrer-Policy "{settings.SECURE_REFERRER_POLICY}"' in headers
    assert f'Cross-Origin-Opener-Policy "{settings.SECURE_CROSS_ORIGIN_OPENER_POLICY}"' in headers
    assert 'X-Frame-Options "DENY"' in headers


def test_uploads_get_the_headers_portal_media_gives_them(tmp_path):
    files = rendered(tmp_path)
    headers = files["media-headers.conf"]
    assert f'Content-Security-Policy "{MEDIA_CSP}"' in headers
    assert 'X-Content-Type-Options "nosniff"' in headers
    assert 'Cross-Origin-Resource-Policy "same-origin"' in headers
    media = files["site.conf"].split("location /media/ {", 1)[1].split("\n    }\n", 1)[0]
    assert f'add_header Cache-Control "{cache_control("documents/law.pdf")}" always;' in media
    # A year for renditions, and not on a 404 ("always" would keep a missing file's 404).
    year = cache_control("gallery/2026/05/a.0123456789abcdef-640.webp")
    assert year == f"public, max-age={RENDITION_MAX_AGE}, immutable"
    assert f'add_header Cache-Control "{year}";' in media


@pytest.mark.parametrize(
    ("path", "a_year"),
    [
        ("gallery/2026/05/0123456789abcdef0123456789abcdef.0123456789abcdef-640.webp", True),
        ("articles/2026/05/demo-3.fedcba9876543210-320.jpg", True),
        ("articles/2026/05/0123456789abcdef0123456789abcdef.jpg", False),  # an original
        ("articles/2026/05/0123456789abcdef0123456789abcdef-640.webp", False),  # before hashes
        ("documents/2026/law.0123456789abcdef-1.jpg", False),  # not a photo's folder
        ("gallery/2026/05/a.0123456789ABCDEF-640.jpg", False),
        ("gallery/2026/05/a.0123456789abcdef-640.png", False),
        ("gallery/a.0123456789abcde-640.webp", False),
        ("gallery/2026/05/a-640.0123456789abcdef.webp", False),
    ],
)
def test_nginx_keeps_the_same_uploads_a_year_as_portal_media(tmp_path, path, a_year):
    site = rendered(tmp_path)["site.conf"]
    location = re.search(
        r'location ~ "(\^/media/[^"]+)" \{\s*include [^;]+;\s*'
        r'add_header Cache-Control "public, max-age=31536000, immutable";',
        site,
    )
    assert location, "the renditions' location"
    assert (re.search(location.group(1), f"/media/{path}") is not None) is a_year
    assert ("immutable" in cache_control(path)) is a_year


def test_hsts_matches_the_sites_production_setting(tmp_path):
    headers = rendered(tmp_path)["static-headers.conf"]
    assert 'Strict-Transport-Security "max-age=63072000; includeSubDomains; preload"' in headers
