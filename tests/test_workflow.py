"""The editorial workflow (news.newsroom.workflow): allowed moves, scheduling, withdrawal."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from news.models import Article
from news.newsroom import workflow
from news.newsroom.revisions import versions_of
from tests.factories import ArticleFactory, author, editor

pytestmark = pytest.mark.django_db
Status = Article.Status


@pytest.fixture
def draft():
    return ArticleFactory(status=Status.DRAFT)


def test_draft_to_review_to_published(draft):
    user = editor()
    workflow.submit_for_review(draft, user)
    assert draft.status == Status.REVIEW
    workflow.publish(draft, user)
    assert draft.status == Status.PUBLISHED
    assert Article.objects.published().filter(pk=draft.pk).exists()


def test_publish_with_a_future_time_schedules_without_cron(draft):
    at = timezone.now() + datetime.timedelta(hours=3)
    workflow.schedule(draft, editor(), at)
    assert draft.is_scheduled
    assert not Article.objects.published().filter(pk=draft.pk).exists()
    later = at + datetime.timedelta(seconds=1)
    assert Article.objects.published(now=later).filter(pk=draft.pk).exists()


def test_schedule_needs_a_future_time(draft):
    with pytest.raises(ValidationError):
        workflow.schedule(draft, editor(), timezone.now() - datetime.timedelta(minutes=1))


def test_withdraw_needs_a_reason_and_keeps_the_article_reachable():
    article = ArticleFactory()
    user = editor()
    with pytest.raises(ValidationError):
        workflow.withdraw(article, user, {"az": "", "en": ""})
    workflow.withdraw(article, user, {"az": "Səhv məlumat", "en": "Wrong figures"})
    assert article.status == Status.WITHDRAWN
    assert article.withdrawn_at is not None
    assert Article.objects.reachable().filter(pk=article.pk).exists()
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_published_back_to_draft():
    article = ArticleFactory()
    workflow.back_to_draft(article, editor())
    assert article.status == Status.DRAFT
    assert not Article.objects.reachable().filter(pk=article.pk).exists()


def test_impossible_moves_are_refused(draft):
    with pytest.raises(ValidationError):
        workflow.withdraw(draft, editor(), {"az": "Səbəb"})  # a draft was never public


def test_authors_may_submit_but_not_publish_or_withdraw(draft):
    user = author()
    workflow.submit_for_review(draft, user)
    assert draft.status == Status.REVIEW
    with pytest.raises(PermissionDenied):
        workflow.publish(draft, user)
    published = ArticleFactory()
    with pytest.raises(PermissionDenied):
        workflow.withdraw(published, user, {"az": "Səbəb"})
    with pytest.raises(PermissionDenied):
        workflow.back_to_draft(published, user)
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW


def test_allowed_statuses_by_role():
    assert workflow.allowed_statuses(author(), Status.DRAFT) == {Status.DRAFT, Status.REVIEW}
    assert workflow.allowed_statuses(editor(), Status.DRAFT) == {
        Status.DRAFT,
        Status.REVIEW,
        Status.PUBLISHED,
    }
    assert workflow.allowed_statuses(editor(), Status.PUBLISHED) == {
        Status.PUBLISHED,
        Status.WITHDRAWN,
        Status.DRAFT,
    }


def test_bulk_actions_count_what_they_changed():
    user = editor()
    drafts = [ArticleFactory(status=Status.DRAFT) for _ in range(2)]
    already = ArticleFactory()
    assert workflow.publish_many(Article.objects.all(), user) == 2
    assert workflow.unpublish_many(Article.objects.filter(pk=already.pk), user) == 1
    with pytest.raises(PermissionDenied):
        workflow.publish_many(Article.objects.filter(pk=drafts[0].pk), author())


def test_each_step_stores_a_revision_and_restore_brings_texts_back(draft):
    user = editor()
    workflow.submit_for_review(draft, user)
    first = versions_of(draft).first()
    draft.title_en = "A changed headline"
    draft.body_en = "<p>Changed.</p>"
    workflow.publish(draft, user)
    assert versions_of(draft).count() == 2
    original_title = first.field_dict["title_en"]
    with translation.override("en"):  # comments are stored in the editor's language
        workflow.restore_revision(draft, first, user)
    assert draft.title_en == original_title
    assert draft.body_en == "<p>The text of the news.</p>"
    assert draft.status == Status.PUBLISHED  # restoring texts never changes the status
    assert versions_of(draft).count() == 3
    assert "Restored" in versions_of(draft).first().revision.get_comment()


def test_restore_refuses_another_articles_revision(draft):
    other = ArticleFactory(status=Status.DRAFT)
    workflow.submit_for_review(other, editor())
    with pytest.raises(ValidationError):
        workflow.restore_revision(draft, versions_of(other).first(), editor())
