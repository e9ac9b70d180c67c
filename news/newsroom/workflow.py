"""The editorial workflow: every status change and revision restore, each one transaction.

    draft ⇄ review → published (a future publication time means scheduled)
    published → withdrawn (public notice with a reason) or back to draft
    withdrawn → published again, or back to draft

Publishing, scheduling and withdrawing need the `news.publish_article` permission;
Authors write drafts and submit them for review. Each write stores a revision, whose
comment is the English msgid, translated when shown (in the reader's admin language).
"""

import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from news.models import Article
from news.newsroom import notifications
from news.newsroom.revisions import RESTORED_FIELDS

Status = Article.Status
PUBLISH_PERMISSION = "news.publish_article"

TRANSITIONS = {
    Status.DRAFT: {Status.REVIEW, Status.PUBLISHED},
    Status.REVIEW: {Status.DRAFT, Status.PUBLISHED},
    Status.PUBLISHED: {Status.WITHDRAWN, Status.DRAFT},
    Status.WITHDRAWN: {Status.PUBLISHED, Status.DRAFT},
}
# States only publishers may put an article in, or take it out of.
PUBLIC_STATES = {Status.PUBLISHED, Status.WITHDRAWN}


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def allowed_statuses(user, current=None):
    """The statuses `user` may choose for an article now in `current` (None: a new one)."""
    if current is None:
        targets = {Status.DRAFT, Status.REVIEW, Status.PUBLISHED}
    else:
        targets = {Status(current), *TRANSITIONS[Status(current)]}
    if not can_publish(user):
        if current in PUBLIC_STATES:
            return {Status(current)} if current else set()
        targets -= PUBLIC_STATES
    return targets


def can_edit(user, article):
    """Authors edit drafts and articles in review; published ones belong to publishers."""
    return article.status not in PUBLIC_STATES or can_publish(user)


def check_transition(user, current, target):
    if target not in allowed_statuses(user, current):
        if not can_publish(user) and PUBLIC_STATES & {current, target}:
            raise PermissionDenied(_("You may not publish or withdraw articles."))
        raise ValidationError(
            _("An article cannot go from “%(current)s” to “%(target)s”."),
            params={"current": Status(current).label, "target": Status(target).label},
        )


def _save(article, user, comment):
    article.full_clean()
    with reversion.create_revision():
        article.save()
        reversion.set_user(user)
        reversion.set_comment(comment)


def _move(article, user, target, comment, **changes):
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        check_transition(user, locked.status, target)
        before = locked.status
        locked.status = target
        # A status change is a save: forms opened before it are stale (core.concurrency).
        locked.edit_version += 1
        for name, value in changes.items():
            setattr(locked, name, value)
        _save(locked, user, comment)
        notifications.record(locked, before, target, user)
    article.refresh_from_db()
    return article


def submit_for_review(article, user):
    return _move(article, user, Status.REVIEW, gettext_noop("Submitted for review"))


def publish(article, user, at=None):
    """Publish now, or at `at` (a future time schedules it: readers see it from then on)."""
    at = at or (article.published_at if article.published_at > timezone.now() else None)
    comment = gettext_noop("Scheduled") if at and at > timezone.now() else gettext_noop("Published")
    return _move(article, user, Status.PUBLISHED, comment, published_at=at or timezone.now())


def schedule(article, user, at):
    if at <= timezone.now():
        raise ValidationError(_("A scheduled time must be in the future."))
    return publish(article, user, at=at)


def withdraw(article, user, reasons):
    """Withdraw with a public reason; `reasons` maps language → text (one is enough)."""
    changes = {f"withdrawn_reason_{code}": text for code, text in reasons.items()}
    return _move(
        article, user, Status.WITHDRAWN, gettext_noop("Withdrawn"), withdrawn_at=None, **changes
    )


def back_to_draft(article, user):
    return _move(article, user, Status.DRAFT, gettext_noop("Returned to draft"))


def publish_many(articles, user):
    """The bulk action: publish each article that may be published; returns how many."""
    if not can_publish(user):
        raise PermissionDenied
    done = 0
    for article in articles:
        if article.status != Status.PUBLISHED and Status.PUBLISHED in TRANSITIONS[article.status]:
            try:
                publish(article, user)
            except ValidationError:
                continue
            done += 1
    return done


def unpublish_many(articles, user):
    """The bulk action: published or scheduled articles go back to draft; returns how many."""
    if not can_publish(user):
        raise PermissionDenied
    done = 0
    for article in articles:
        if article.status == Status.PUBLISHED:
            back_to_draft(article, user)
            done += 1
    return done


def restore_revision(article, version, user):
    """Bring back the texts of an earlier version; status, time and images stay as they are.

    Restoring is itself a save, so it stores a new revision and can be undone the same way.
    """
    if version.object_id != str(article.pk) or version.content_type.model_class() is not Article:
        raise ValidationError(_("This revision belongs to another article."))
    data = version.field_dict
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if not can_edit(user, locked):
            raise PermissionDenied
        for name in RESTORED_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        locked.edit_version += 1
        comment = _("Restored the version of %(date)s") % {
            "date": timezone.localtime(version.revision.date_created).strftime("%Y-%m-%d %H:%M")
        }
        locked.full_clean()
        with reversion.create_revision():
            locked.save()
            if "tags" in data:
                locked.tags.set(data["tags"])
            reversion.set_user(user)
            reversion.set_comment(comment)
    article.refresh_from_db()
    return article
