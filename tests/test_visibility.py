"""Only published articles whose time has come reach readers."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from news.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "hours_from_now", "listed"),
    [
        (Article.Status.PUBLISHED, -1, True),
        (Article.Status.PUBLISHED, +1, False),  # scheduled
        (Article.Status.DRAFT, -1, False),
        (Article.Status.REVIEW, -1, False),
        (Article.Status.WITHDRAWN, -1, False),
    ],
)
def test_published_queryset_and_listing(client, status, hours_from_now, listed):
    article = ArticleFactory(
        status=status,
        published_at=timezone.now() + datetime.timedelta(hours=hours_from_now),
        withdrawn_reason_az="Səhv məlumat",
    )
    assert Article.objects.published().filter(pk=article.pk).exists() is listed
    page = client.get("/az/news/")
    assert (article.title_az in page.content.decode()) is listed


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.REVIEW])
def test_draft_article_page_is_404_for_readers(client, status):
    article = ArticleFactory(status=status)
    assert client.get(article.get_absolute_url("az")).status_code == 404


def test_scheduled_article_appears_when_its_time_comes(client):
    article = ArticleFactory(published_at=timezone.now() + datetime.timedelta(minutes=5))
    assert client.get(article.get_absolute_url("az")).status_code == 404
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(article.get_absolute_url("az")).status_code == 200


def test_staff_preview_of_a_draft_is_not_cached(admin_client):
    article = ArticleFactory(status=Article.Status.DRAFT)
    response = admin_client.get(article.get_absolute_url("az"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "texts",
    [
        {"title_az": "", "title_en": "", "body_az": "<p>x</p>", "body_en": "<p>y</p>"},
        {"title_az": "   ", "title_en": None, "body_az": "<p>x</p>", "body_en": ""},
        {"title_az": "Başlıq", "title_en": "", "body_az": "", "body_en": "<p>y</p>"},
    ],
)
def test_an_article_cannot_be_published_without_title_and_body(texts):
    article = ArticleFactory.build(status=Article.Status.PUBLISHED, **texts)
    article.category.save()
    article.category_id = article.category.pk
    with pytest.raises(ValidationError):
        article.full_clean()
    with pytest.raises(IntegrityError):
        article.save()


def test_database_refuses_an_empty_title_even_behind_the_orm():
    article = ArticleFactory()
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(title_az="  ", title_en=None)


def test_a_draft_may_be_empty():
    article = ArticleFactory(status=Article.Status.DRAFT, title_az="", title_en="", body_az="")
    assert article.pk
