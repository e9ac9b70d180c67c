"""The reader's network address, taken from the proxy's header only when it came from our proxy.

`X-Forwarded-For` is a list any client can start; only the entries our own proxies appended
are true. With TRUST_PROXY_HEADERS=1, a request whose immediate peer (REMOTE_ADDR) is one of
TRUSTED_PROXIES (portal.proxies) and PROXY_COUNT=n (default 1), the n-th address from the
right is the client as our outermost proxy saw it. Otherwise REMOTE_ADDR is the only truth:
a client that reaches the server directly cannot name itself another address.
"""

import ipaddress

from django.conf import settings

from portal.proxies import from_trusted_proxy


def _valid(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    if not from_trusted_proxy(request):
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
    count = getattr(settings, "PROXY_COUNT", 1)
    if len(forwarded) < count:
        return remote
    return _valid(forwarded[-count]) or remote
