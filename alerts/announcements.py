"""Articles to subscribers: handed out once when they go live, sent alone or in a daily
digest, composed when sent in each subscriber's language with the site's fallback rules.
"""

from django.db import IntegrityError, transaction
from django.db.models import Case, Value, When
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import override

from alerts import mail, tokens
from alerts.models import Announcement, Delivery, OutgoingMessage, Subscriber
from news.models import Article

ALERT = "alert"
DIGEST = "digest"
CHUNK = 500


def announce(article_id):
    """Hand a live article to everyone following it, once ever. Returns the ids of the
    messages to send now (the daily subscribers' wait for their digest)."""
    article = Article.objects.published().filter(pk=article_id).first()
    if article is None:  # not published, not yet due, or withdrawn: never announced
        return []
    with transaction.atomic():
        try:
            with transaction.atomic():
                Announcement.objects.create(article=article)
        except IntegrityError:
            return []  # announced before, perhaps before an edit or a withdrawal
        followers = list(
            Subscriber.objects.receiving()
            .following(article)
            .values_list("id", "email", "frequency")
        )
        immediate = [row for row in followers if row[2] == Subscriber.Frequency.IMMEDIATE]
        OutgoingMessage.objects.bulk_create(
            [
                OutgoingMessage(
                    key=f"{ALERT}:{pk}:{article.pk}",
                    kind=ALERT,
                    to=email,
                    subscriber_id=pk,
                    article=article,
                )
                for pk, email, _frequency in immediate
            ],
            ignore_conflicts=True,
            batch_size=2000,
        )
        messages = dict(
            OutgoingMessage.objects.filter(kind=ALERT, article=article).values_list(
                "subscriber_id", "id"
            )
        )
        Delivery.objects.bulk_create(
            [
                Delivery(subscriber_id=pk, article=article, message_id=messages.get(pk))
                for pk, _email, _frequency in followers
            ],
            ignore_conflicts=True,
            batch_size=2000,
        )
    return list(messages.values())


def gather_digests(now=None):
    """Turn the articles waiting for daily subscribers whose hour has come (Baku time) into
    one digest message each. Returns the new messages' ids."""
    local = timezone.localtime(now)
    today = local.date()
    due = list(
        Subscriber.objects.receiving()
        .filter(frequency=Subscriber.Frequency.DAILY, digest_hour__lte=local.hour)
        .exclude(last_digest_on=today)
        .values_list("id", "email")
    )
    made = []
    for start in range(0, len(due), CHUNK):
        chunk = dict(due[start : start + CHUNK])
        with transaction.atomic():
            waiting = {}
            for delivery_id, subscriber_id in Delivery.objects.filter(
                subscriber_id__in=chunk, message__isnull=True
            ).values_list("id", "subscriber_id"):
                waiting.setdefault(subscriber_id, []).append(delivery_id)
            keys = {pk: f"{DIGEST}:{pk}:{today.isoformat()}" for pk in waiting}
            OutgoingMessage.objects.bulk_create(
                [
                    OutgoingMessage(key=key, kind=DIGEST, to=chunk[pk], subscriber_id=pk)
                    for pk, key in keys.items()
                ],
                ignore_conflicts=True,
            )
            ids = dict(
                OutgoingMessage.objects.filter(key__in=keys.values()).values_list("key", "id")
            )
            if waiting:
                Delivery.objects.filter(
                    id__in=[pk for ids_ in waiting.values() for pk in ids_]
                ).update(
                    message_id=Case(
                        *[When(subscriber_id=pk, then=Value(ids[key])) for pk, key in keys.items()]
                    )
                )
            Subscriber.objects.filter(pk__in=chunk).update(last_digest_on=today)
            made.extend(ids.values())
    return made


def compose(message):
    """(subject, text, html, headers) of an outbox row, or None if it need not go any more."""
    if message.kind not in (ALERT, DIGEST):
        return message.subject, message.text, message.html, message.headers
    subscriber = Subscriber.objects.receiving().filter(pk=message.subscriber_id).first()
    if subscriber is None:  # unsubscribed or paused since
        return None
    live = Article.objects.published()
    if message.kind == ALERT:
        owed = [message.article_id]
    else:
        # Two plain index lookups: a subquery lets the planner walk the deliveries by
        # article, thousands of rows each, when its statistics are behind a bulk insert.
        owed = list(Delivery.objects.filter(message=message).values_list("article_id", flat=True))
    # Which are still live, and as of which change: what they show is cached by that.
    rows = list(
        live.filter(pk__in=owed).order_by("-published_at", "-id").values_list("pk", "updated_at")
    )
    if not rows:  # withdrawn (or unpublished) before it could be sent
        return None
    shown = _shown(rows, subscriber.languages)
    language = subscriber.language or "az"
    links = tokens.links_for(subscriber, language)

    def context(language):
        return {"articles": [each[language] for each in shown], "count": len(shown), **links}

    subject, text, html = mail.render(message.kind, context, subscriber.languages)
    headers = {
        "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": "<alerts.refugees-committee>",
    }
    return subject, text, html, headers


# What an e-mail shows of an article, by (id, last change, language): a digest shows the
# same 50 articles to thousands of subscribers, and a worker composes them one by one.
_SHOWN = {}
_SHOWN_LIMIT = 2000


def _shown(rows, languages):
    """What an e-mail shows of each article (`rows`: id, last change) in each language:
    title, summary, date, link. Only articles not in the cache are read."""
    missing = [
        pk for pk, changed in rows for code in languages if (pk, changed, code) not in _SHOWN
    ]
    loaded = Article.objects.in_bulk(set(missing)) if missing else {}
    if len(_SHOWN) + len(missing) > _SHOWN_LIMIT:
        _SHOWN.clear()
        loaded = Article.objects.in_bulk([pk for pk, _changed in rows])
    return [
        {code: _shown_in(loaded.get(pk), pk, changed, code) for code in languages}
        for pk, changed in rows
        if pk in loaded or all((pk, changed, code) in _SHOWN for code in languages)
    ]


def _shown_in(article, pk, changed, language):
    key = (pk, changed, language)
    shown = _SHOWN.get(key)
    if shown is None:
        title = article.text("title", language)
        lead = article.text("lead", language)
        summary = lead.text or article.text("body", language).text
        with override(language):
            shown = {
                "title": title.text,
                "lang": title.language,
                "fallback": title.language != language,
                "summary": Truncator(strip_tags(summary)).words(60),
                "url": mail.site_url(article.get_absolute_url(language)),
                "date": date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT"),
            }
            # A digest's entry, made once per article and language rather than per message.
            shown["item_html"] = render_to_string(
                "email/includes/digest_item.html", {"article": shown}
            )
            shown["item_text"] = render_to_string(
                "email/includes/digest_item.txt", {"article": shown}
            )
        _SHOWN[key] = shown
    return shown
