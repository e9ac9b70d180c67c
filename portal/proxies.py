"""Forwarded headers are believed only from our own proxies.

`X-Forwarded-Proto` and `X-Forwarded-For` are what a client says unless the request came
straight from one of our proxies: the immediate peer (REMOTE_ADDR, which gunicorn sets from
the socket) must be in TRUSTED_PROXIES, and TRUST_PROXY_HEADERS must be on. Otherwise
`ForwardedHeadersMiddleware`, first in MIDDLEWARE, removes these headers from the request,
so neither Django's scheme detection (SECURE_PROXY_SSL_HEADER) nor the client address used
for login throttling and the appeal form's rate limit (portal.client_ip) ever sees them.
"""

import functools
import ipaddress

from django.conf import settings

# Every header through which a client could claim another scheme, host or address.
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_SSL",
    "HTTP_X_FORWARDED_SCHEME",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


@functools.cache
def _networks(entries):
    return tuple(ipaddress.ip_network(entry.strip()) for entry in entries if entry.strip())


def _address(value):
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    # A dual-stack socket shows an IPv4 peer as ::ffff:a.b.c.d.
    return getattr(address, "ipv4_mapped", None) or address


def is_trusted_proxy(peer):
    """Whether `peer` (a REMOTE_ADDR) is one of our proxies, whose forwarded headers count."""
    if not getattr(settings, "TRUST_PROXY_HEADERS", False):
        return False
    address = _address(peer)
    if address is None:
        return False
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def from_trusted_proxy(request):
    return is_trusted_proxy(request.META.get("REMOTE_ADDR", ""))


class ForwardedHeadersMiddleware:
    """Removes the forwarded headers of a request that did not come from a trusted proxy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not from_trusted_proxy(request):
            for key in FORWARDED_HEADERS:
                request.META.pop(key, None)
            # request.headers is read from META once, when first used.
            request.__dict__.pop("headers", None)
        return self.get_response(request)
