"""The news models are content: saving or deleting one bumps the content version."""

from django.utils import timezone

from core import caching
from news.models import Article, ArticlePhoto, Category, Tag


def connect():
    caching.watch_models(Article, ArticlePhoto, Category, Tag)
    caching.register_schedule(
        lambda: (
            Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
    )
