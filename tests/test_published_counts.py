"""The published articles per section that PostgreSQL keeps with a trigger (migration
0011): whatever writes the articles, a listing's count is the count of what readers see."""

import datetime
import random

import pytest
from django.utils import timezone

from news import selectors
from news.models import Article
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.usefixtures("postgres_only")


def assert_counts_right(categories):
    for category in [None, *categories]:
        readers_see = Article.objects.published()
        if category is not None:
            readers_see = readers_see.filter(category=category)
        assert selectors.published_count(category) == readers_see.count(), category


def test_every_kind_of_write_keeps_the_counts():
    rng = random.Random(11)
    categories = CategoryFactory.create_batch(3)
    now = timezone.now()
    statuses = [Article.Status.PUBLISHED, Article.Status.DRAFT, Article.Status.WITHDRAWN]
    articles = [
        ArticleFactory(
            category=rng.choice(categories),
            status=rng.choice(statuses),
            # Some scheduled: published, but their time has not come.
            published_at=now + datetime.timedelta(hours=rng.choice([-50, -1, 3])),
        )
        for _ in range(30)
    ]
    assert_counts_right(categories)
    for step in range(60):
        article = rng.choice(articles)
        kind = step % 5
        if kind == 0:  # a save through the model: published, withdrawn, back to draft
            article.status = rng.choice(statuses)
            article.save()
        elif kind == 1:  # moved to another section
            article.category = rng.choice(categories)
            article.save()
        elif kind == 2:  # a bulk update, as an admin action makes
            Article.objects.filter(pk=article.pk).update(
                status=rng.choice(statuses), category=rng.choice(categories)
            )
        elif kind == 3:  # an edit of the text only
            article.refresh_from_db()
            article.title_az = f"Başlıq {step}"
            article.save()
        else:  # deleted, and a new one
            Article.objects.filter(pk=article.pk).delete()
            articles.remove(article)
            articles.append(ArticleFactory(category=rng.choice(categories)))
        assert_counts_right(categories)


def test_a_scheduled_article_is_counted_when_its_time_comes():
    category = CategoryFactory()
    ArticleFactory(category=category)
    later = timezone.now() + datetime.timedelta(hours=2)
    ArticleFactory(category=category, published_at=later)
    assert selectors.published_count(category) == 1
    assert selectors.published_count(category, now=later + datetime.timedelta(seconds=1)) == 2


def test_listing_pages_follow_the_count(client):
    category = CategoryFactory()
    ArticleFactory.create_batch(41, category=category)
    listing = category.get_absolute_url()
    assert client.get(f"{listing}?page=3").status_code == 200
    assert client.get(f"{listing}?page=4").status_code == 404
    Article.objects.filter(category=category).first().delete()
    assert client.get(f"{listing}?page=3").status_code == 404
