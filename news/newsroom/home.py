"""The newsroom's home, on the admin index for Editors and Authors: their drafts, what
waits for review (with author and age), what is scheduled (with times), what was
published lately (with 30 days of views as a small SVG drawn here, on the server), what
was withdrawn, and their notices.

A template library (registered in settings as `newsroom_home`): admin/index.html asks
`{% newsroom_home as home %}`. Each list is one query of a few rows through an index,
plus one for the views of the recent articles: a fixed number, whatever the archive's size.
An Author sees only their own articles; an Editor sees everyone's (and their own drafts).
"""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from news.models import Article, DailyViews
from news.newsroom import notifications, workflow

register = template.Library()
Status = Article.Status
ROWS = 8
SPARK_DAYS = 30
SPARK_WIDTH, SPARK_HEIGHT = 120, 24

# What a row of the home shows: the title in the admin's language, the author, times.
_LISTED = [
    "id",
    "title_az",
    "title_en",
    "source_language",
    "written_languages",
    "status",
    "published_at",
    "updated_at",
    "withdrawn_at",
    "view_count",
    "author__username",
    "author__first_name",
    "author__last_name",
]


def _articles(user, editor):
    listed = Article.objects.select_related("author").only(*_LISTED)
    return listed if editor else listed.filter(author=user)


def sections(user, now=None):
    now = now or timezone.now()
    editor = workflow.can_publish(user)
    articles = _articles(user, editor)
    recent = list(
        articles.filter(status=Status.PUBLISHED, published_at__lte=now).order_by(
            "-published_at", "-id"
        )[:ROWS]
    )
    notices = notifications.inbox(user)
    found = {
        "editor": editor,
        "notices": notices,
        "drafts": list(
            _articles(user, False).filter(status=Status.DRAFT).order_by("-updated_at", "-id")[:ROWS]
        ),
        "review": list(articles.filter(status=Status.REVIEW).order_by("updated_at", "id")[:ROWS]),
        "scheduled": list(
            articles.filter(status=Status.PUBLISHED, published_at__gt=now).order_by(
                "published_at", "id"
            )[:ROWS]
        ),
        "recent": [(article, sparkline(views)) for article, views in _with_views(recent, now)],
        "withdrawn": list(
            articles.filter(status=Status.WITHDRAWN).order_by("-withdrawn_at", "-id")[:ROWS]
        ),
    }
    # Templates cannot pass the field's name to text(): each row gets its shown title.
    for name in ("drafts", "review", "scheduled", "withdrawn"):
        for article in found[name]:
            article.shown_title = article.text("title").text
    for article, _spark in found["recent"]:
        article.shown_title = article.text("title").text
    for notice in notices:
        notice.shown_title = notice.article.text("title").text
    return found


def _with_views(articles, now):
    """Each article with its views per day over the last SPARK_DAYS days (Baku days)."""
    today = timezone.localdate(now)
    first = today - datetime.timedelta(days=SPARK_DAYS - 1)
    counts = {}
    if articles:
        rows = DailyViews.objects.filter(
            article__in=[article.pk for article in articles], day__gte=first, day__lte=today
        ).values_list("article_id", "day", "count")
        for article_id, day, count in rows:
            counts[(article_id, day)] = count
    days = [first + datetime.timedelta(days=offset) for offset in range(SPARK_DAYS)]
    return [(article, [counts.get((article.pk, day), 0) for day in days]) for article in articles]


def sparkline(values):
    """Views per day as a small inline SVG line, with its total for screen readers."""
    total = sum(values)
    top = max(values) or 1
    step = SPARK_WIDTH / max(len(values) - 1, 1)
    points = " ".join(
        f"{index * step:.1f},{SPARK_HEIGHT - 2 - (value / top) * (SPARK_HEIGHT - 4):.1f}"
        for index, value in enumerate(values)
    )
    return {
        "total": total,
        "svg": format_html(
            '<svg class="newsroom-spark" width="{}" height="{}" viewBox="0 0 {} {}" '
            'aria-hidden="true" focusable="false"><polyline fill="none" stroke="currentColor" '
            'stroke-width="1.5" points="{}"/></svg>',
            SPARK_WIDTH,
            SPARK_HEIGHT,
            SPARK_WIDTH,
            SPARK_HEIGHT,
            points,
        ),
    }


@register.simple_tag(takes_context=True)
def newsroom_home(context):
    """The home's lists for the signed-in user, or None if they do not write articles."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("news.change_article"):
        return None
    return sections(user)
