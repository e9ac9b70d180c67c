"""The reader's network address, taken from the proxy's header only when we are told to trust it.

`X-Forwarded-For` is a list any client can start; only the entries our own proxies appended
are true. With TRUST_PROXY_HEADERS=1 and PROXY_COUNT=n (default 1) the n-th address from the
right is the client as our outermost proxy saw it. Without it, REMOTE_ADDR is the only truth.
"""

import ipaddress

from django.conf import settings


def _valid(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    if not getattr(settings, "TRUST_PROXY_HEADERS", False):
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
    count = getattr(settings, "PROXY_COUNT", 1)
    if len(forwarded) < count:
        return remote
    return _valid(forwarded[-count]) or remote
