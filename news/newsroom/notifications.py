"""Who is told what: an Author's submission goes to the Editors, a publication or a
return to draft goes to the article's Author.

`record` runs inside the transaction of the status change (the workflow's and the
article form's alike), so a notice exists exactly when the change does, and it sends
`newsroom_event` once that transaction has committed, for e-mail to hook in.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from news.models import Article, Notification
from news.newsroom.events import PUBLISHED, RETURNED, SUBMITTED, newsroom_event

Status = Article.Status
PUBLISH_PERMISSION = "news.publish_article"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
SHOWN = 8  # notices on the newsroom's home


def event_for(before, after):
    """The event a status change is, or None (None before: a new article)."""
    if after == before:
        return None
    if after == Status.REVIEW:
        return SUBMITTED
    if after == Status.PUBLISHED:
        return PUBLISHED
    if before == Status.REVIEW and after == Status.DRAFT:
        return RETURNED
    return None


def _editors():
    # Permissions come from groups and users through Django's model backend (axes, the
    # other backend, grants none).
    users = get_user_model().objects.with_perm(
        PUBLISH_PERMISSION, include_superusers=False, backend=MODEL_BACKEND
    )
    return list(users.filter(is_staff=True))


def record(article, before, after, actor):
    """Store the notices of a status change and announce it after commit; returns the event."""
    event = event_for(before, after)
    if event is None:
        return None
    told = _editors() if event == SUBMITTED else [article.author] if article.author_id else []
    recipients = [user for user in told if user.pk != getattr(actor, "pk", None)]
    Notification.objects.bulk_create(
        Notification(recipient=user, article_id=article.pk, event=event, actor=actor)
        for user in recipients
    )
    transaction.on_commit(
        lambda: newsroom_event.send(
            sender=Article, article=article, event=event, actor=actor, recipients=recipients
        )
    )
    return event


def inbox(user, limit=SHOWN):
    """The user's newest notices, unread first, with their articles' titles and actors."""
    return list(
        Notification.objects.filter(recipient=user)
        .select_related("actor", "article")
        .only(
            "event",
            "created_at",
            "read_at",
            "actor__username",
            "actor__first_name",
            "actor__last_name",
            "article__id",
            "article__title_az",
            "article__title_en",
            "article__source_language",
            "article__written_languages",
        )
        .order_by("-created_at", "-id")[:limit]
    )


def mark_read(user):
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())
