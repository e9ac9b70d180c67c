"""Receivers: what the news app announces becomes e-mail here.

- `news.tasks.articles_live` (every minute, from beat): articles that went live are
  announced to their subscribers, each once ever.
- `news.newsroom.newsroom_event`: an article submitted, published or sent back is told to
  the staff it concerns by e-mail, unless they turned it off; a publication is announced
  at once rather than at the next minute.
"""

from django.urls import reverse
from django.utils import translation

from alerts import mail, outbox, tasks
from alerts.jobs import enqueue
from alerts.models import NewsroomMailPreference
from news import newsroom
from news.tasks import articles_live


def connect():
    articles_live.connect(_articles_live, dispatch_uid="alerts.articles_live")
    newsroom.newsroom_event.connect(_newsroom_event, dispatch_uid="alerts.newsroom_event")


def _articles_live(sender, article_ids, **kwargs):
    enqueue(tasks.announce_articles, list(article_ids))


def _newsroom_event(sender, article, event, actor=None, recipients=(), **kwargs):
    if event == newsroom.PUBLISHED:
        enqueue(tasks.announce_article, article.pk)
    notify_newsroom(article, event, actor, recipients)


def notify_newsroom(article, event, actor, recipients):
    """One e-mail per recipient with an address who has not turned these off."""
    people = [user for user in recipients if user.email and user != actor and user.is_active]
    if not people:
        return
    turned_off = set(
        NewsroomMailPreference.objects.filter(user__in=people, enabled=False).values_list(
            "user_id", flat=True
        )
    )
    change_path = reverse("admin:news_article_change", args=[article.pk])
    settings_path = reverse("alerts_staff:newsroom_mail")
    for user in people:
        if user.pk in turned_off:
            continue
        language = _staff_language(user)
        with translation.override(language):
            title = article.text("title", language).text
        outbox.queue(
            "newsroom",
            user.email,
            {
                "event": event,
                "title": title,
                "actor": (actor.get_full_name() or actor.get_username()) if actor else "",
                "article_url": mail.site_url(change_path),
                "settings_url": mail.site_url(settings_path),
                "name": user.get_full_name() or user.get_username(),
            },
            key=f"newsroom:{event}:{article.pk}:{user.pk}:{article.edit_version}",
            languages=[language],
        )


def _staff_language(user):
    preference = getattr(user, "staff_preference", None)
    return getattr(preference, "admin_language", None) or "az"
