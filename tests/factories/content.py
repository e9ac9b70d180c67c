"""News content: categories and articles in both languages unless a test says otherwise,
and gallery photos."""

import datetime
import itertools

import factory
from django.utils import timezone

from news.models import Article, ArticlePhoto, Category
from tests.factories.photos import png_upload

_counter = itertools.count(1)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name_az = factory.Sequence(lambda n: f"Bölmə {n}")
    name_en = factory.Sequence(lambda n: f"Section {n}")
    order = factory.Sequence(lambda n: n)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    category = factory.SubFactory(CategoryFactory)
    title_az = factory.Sequence(lambda n: f"Xəbər başlığı {n}")
    title_en = factory.Sequence(lambda n: f"News headline {n}")
    body_az = "<p>Xəbərin mətni.</p>"
    body_en = "<p>The text of the news.</p>"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(hours=next(_counter))
    )


def azerbaijani_only(**kwargs):
    return ArticleFactory(title_en="", body_en="", source_language="az", **kwargs)


def english_only(**kwargs):
    return ArticleFactory(title_az="", body_az="", source_language="en", **kwargs)


def make_photo(article, **texts):
    """A small gallery photo of `article`, with the alt texts and captions given."""
    return ArticlePhoto.objects.create(article=article, image=png_upload(), **texts)
