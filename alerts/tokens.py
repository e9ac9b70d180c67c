"""Signed links in e-mail: confirm a subscription, manage it, leave it. No account needed.

Each carries the subscriber's id and generation; unsubscribing moves the generation on,
so a confirmation or management link sent before it no longer works.
"""

from django.core import signing
from django.urls import reverse
from django.utils.translation import override

from alerts import mail
from alerts.models import Subscriber

CONFIRM = ("alerts.confirm", 7 * 24 * 3600)
MANAGE = ("alerts.manage", 90 * 24 * 3600)
# One-click unsubscribe keeps working from old messages (RFC 8058 asks it to).
UNSUBSCRIBE = ("alerts.unsubscribe", None)


class InvalidLinkError(Exception):
    """Forged, damaged or unknown."""


class ExpiredLinkError(InvalidLinkError):
    """Signed by us, but too old."""


class StaleLinkError(InvalidLinkError):
    """Signed for an earlier subscription of this address (before an unsubscribe)."""

    def __init__(self, subscriber):
        super().__init__("stale link")
        self.subscriber = subscriber


def make(kind, subscriber, **data):
    salt, _max_age = kind
    return signing.dumps({"s": subscriber.pk, "g": subscriber.generation, **data}, salt=salt)


def read(kind, token, *, check_generation=True):
    """(subscriber, data) for a token of `kind`; else InvalidLinkError or a subclass."""
    salt, max_age = kind
    try:
        data = signing.loads(str(token)[:2000], salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ExpiredLinkError from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidLinkError from error
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise InvalidLinkError
    subscriber = Subscriber.objects.filter(pk=data["s"]).first()
    if subscriber is None:
        raise InvalidLinkError
    if check_generation and data.get("g") != subscriber.generation:
        raise StaleLinkError(subscriber)
    return subscriber, data


def link(name, language, token):
    """The full address of a signed link's page in `language`."""
    with override(language):
        return mail.site_url(reverse(name, kwargs={"token": token}))


def links_for(subscriber, language):
    """The manage and unsubscribe links every alert carries."""
    return {
        "manage_url": link("alerts:manage", language, make(MANAGE, subscriber)),
        "unsubscribe_url": link("alerts:unsubscribe", language, make(UNSUBSCRIBE, subscriber)),
    }
