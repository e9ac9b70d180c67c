"""Readers' subscriptions: ask (double opt-in), confirm, change, leave.

Asking never tells whether the address is known: the same page follows, and the owner
of the address gets the confirmation link whatever its state. The choices travel signed
in that link and apply only when it is used, so nobody can change another person's
subscription by typing their address.
"""

import uuid

from django.db import transaction
from django.utils import timezone

from alerts import outbox, tokens
from alerts.models import OutgoingMessage, Subscriber

# Confirmation e-mails one address receives in a day, whoever asks for them.
PER_ADDRESS_PER_DAY = 3


def normalise(email):
    local, _at, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def choices_of(cleaned):
    """The signed form of a subscription's choices."""
    return {
        "l": cleaned["language"],
        "a": bool(cleaned["all_news"]),
        "c": sorted(category.pk for category in cleaned["categories"]),
        "t": sorted(tag.pk for tag in cleaned["tags"]),
        "f": cleaned["frequency"],
        "h": int(cleaned["digest_hour"]),
    }


def ask(email, choices):
    """Send a confirmation link to `email`, unless it had enough of them today."""
    email = normalise(email)
    since = timezone.now() - timezone.timedelta(days=1)
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.select_for_update().get_or_create(email=email)
        sent_today = OutgoingMessage.objects.filter(
            to=email, kind="confirm", created_at__gte=since
        ).count()
        if sent_today >= PER_ADDRESS_PER_DAY:
            return False
        languages = [choices["l"]] if choices["l"] else ["az", "en"]
        token = tokens.make(tokens.CONFIRM, subscriber, c=choices)
        outbox.queue(
            "confirm",
            email,
            {
                "confirm_links": {
                    code: tokens.link("alerts:confirm", code, token) for code in ("az", "en")
                },
                "already": subscriber.confirmed_at is not None
                and subscriber.unsubscribed_at is None,
            },
            key=f"confirm:{subscriber.pk}:{uuid.uuid4().hex}",
            languages=languages,
            subscriber=subscriber,
        )
    return True


def apply_choices(subscriber, choices):
    subscriber.language = choices.get("l", "") if choices.get("l") in ("", "az", "en") else ""
    subscriber.all_news = bool(choices.get("a"))
    subscriber.frequency = (
        choices.get("f")
        if choices.get("f") in Subscriber.Frequency.values
        else Subscriber.Frequency.IMMEDIATE
    )
    hour = choices.get("h")
    subscriber.digest_hour = hour if isinstance(hour, int) and 0 <= hour <= 23 else 8
    subscriber.save()
    from news.models import Category, Tag  # noqa: PLC0415 - only ids that still exist

    subscriber.categories.set(Category.objects.filter(pk__in=choices.get("c") or []))
    subscriber.tags.set(Tag.objects.filter(pk__in=choices.get("t") or []))


@transaction.atomic
def confirm(subscriber, choices):
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    apply_choices(subscriber, choices)
    now = timezone.now()
    subscriber.confirmed_at = subscriber.confirmed_at or now
    subscriber.unsubscribed_at = None
    subscriber.paused_at = None
    subscriber.hard_bounces = 0
    subscriber.save()
    return subscriber


@transaction.atomic
def unsubscribe(subscriber):
    """Leave; returns False if the address had left already."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.unsubscribed_at is not None:
        return False
    subscriber.unsubscribed_at = timezone.now()
    subscriber.generation += 1
    subscriber.save(update_fields=["unsubscribed_at", "generation"])
    # Whatever was waiting for this address is not sent (alerts.announcements.compose).
    return True
