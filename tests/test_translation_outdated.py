"""Outdated translations are tracked per field, from every place a translation is saved."""

import pytest

from news.models import Article
from tests.factories import ArticleFactory, CategoryFactory, azerbaijani_only, make_photo
from translators import services, state
from translators.fingerprints import fingerprint
from translators.models import TranslationSnapshot
from translators.registry import ARTICLE, CATEGORY

pytestmark = pytest.mark.django_db


def states(article, language="en"):
    article = Article.objects.get(pk=article.pk)
    return state.field_states(article, ARTICLE, language, article.source_language)


def fix_source(article, **fields):
    """An editor changes the original (Azerbaijani) text in a regular save."""
    article = Article.objects.get(pk=article.pk)
    for name, value in fields.items():
        setattr(article, name, value)
    article.save()
    return article


def test_a_fresh_bilingual_article_is_complete():
    article = ArticleFactory(lead_az="Giriş", lead_en="Lead")
    assert states(article) == {"title": "complete", "lead": "complete", "body": "complete"}


def test_a_typo_fix_in_the_body_flags_the_body_not_the_title():
    article = ArticleFactory(body_az="<p>Xəbərin mətnı.</p>")
    fix_source(article, body_az="<p>Xəbərin mətni.</p>")
    assert states(article) == {"title": "complete", "body": "outdated"}


def test_a_title_change_flags_only_the_title():
    article = ArticleFactory()
    fix_source(article, title_az="Yeni başlıq")
    assert states(article) == {"title": "outdated", "body": "complete"}


def test_white_space_alone_does_not_make_a_translation_outdated():
    article = ArticleFactory(body_az="<p>Bir iki üç.</p>")
    fix_source(article, body_az="<p>Bir  iki\nüç.</p>")
    assert states(article)["body"] == "complete"


def test_an_empty_target_is_missing_and_a_field_without_source_has_no_state():
    article = azerbaijani_only(lead_az="Giriş")
    assert states(article) == {"title": "missing", "lead": "missing", "body": "missing"}


def test_editing_both_languages_in_one_save_counts_as_a_fresh_translation():
    article = ArticleFactory()
    fix_source(article, body_az="<p>Yeni mətn.</p>", body_en="<p>New text.</p>")
    assert states(article)["body"] == "complete"


def test_saving_the_translation_clears_the_flag():
    article = ArticleFactory()
    article = fix_source(article, body_az="<p>Yeni mətn.</p>")
    services.save_translation(ARTICLE, article, "en", {"body": "<p>New text.</p>"}, user=None)
    assert states(article)["body"] == "complete"


def test_still_correct_clears_the_flag_without_changing_the_text():
    article = ArticleFactory(body_en="<p>The text.</p>")
    article = fix_source(article, title_az="Başlıq, vergül ilə")
    services.save_translation(ARTICLE, article, "en", {}, user=None, confirmed={"title"})
    article.refresh_from_db()
    assert states(article)["title"] == "complete"
    assert article.body_en == "<p>The text.</p>"


def test_translations_made_before_tracking_get_a_baseline_from_the_old_source():
    article = ArticleFactory()
    # As if saved before the translators' app existed: no fingerprints at all.
    Article.objects.filter(pk=article.pk).update(translation_fingerprints={})
    fix_source(article, title_az="Dəyişdirilmiş başlıq")
    assert states(article) == {"title": "outdated", "body": "complete"}


def test_the_stored_summary_matches_the_fields():
    article = ArticleFactory(lead_az="Giriş", lead_en="")
    article = fix_source(article, title_az="Yeni başlıq")
    summary = state.stored_summary(article)
    assert summary == {"en": {"state": "missing", "missing": ["lead"], "outdated": ["title"]}}
    assert state.overall(summary["en"]) == "missing"


def test_photo_texts_count_towards_the_article_state():
    article = ArticleFactory()
    photo = make_photo(article, alt_az="Şəkil", caption_az="İmza", alt_en="Photo", caption_en="")
    article.refresh_from_db()
    assert state.stored_summary(article)["en"]["missing"] == [f"photo:{photo.pk}:caption"]
    photo.caption_az = "Yeni imza"
    photo.caption_en = "Caption"
    photo.alt_az = "Yeni şəkil"
    photo.save()
    article.refresh_from_db()
    assert state.stored_summary(article)["en"] == {
        "state": "outdated",
        "missing": [],
        "outdated": [f"photo:{photo.pk}:alt"],
    }


def test_an_english_original_tracks_the_azerbaijani_translation():
    article = ArticleFactory(source_language="en")
    fix_source(article, body_en="<p>Changed.</p>")
    assert states(article, "az") == {"title": "complete", "body": "outdated"}
    assert "en" not in Article.objects.get(pk=article.pk).translation_fingerprints


def test_categories_are_tracked_too():
    category = CategoryFactory()
    category.name_az = "Yeni ad"
    category.save()
    assert state.field_states(category, CATEGORY, "en", "az") == {"name": "outdated"}


def test_the_source_text_of_the_last_translation_is_kept_for_the_diff():
    article = ArticleFactory(body_az="<p>Köhnə mətn.</p>")
    fix_source(article, body_az="<p>Yeni mətn.</p>")
    snapshot = TranslationSnapshot.objects.get(
        kind="article", object_id=article.pk, language="en", field="body"
    )
    assert snapshot.source_text == "<p>Köhnə mətn.</p>"
    assert snapshot.fingerprint == fingerprint("<p>Köhnə mətn.</p>")


def test_saves_limited_to_other_columns_leave_fingerprints_alone():
    article = ArticleFactory()
    before = Article.objects.get(pk=article.pk).translation_fingerprints
    article.view_count = 5
    article.save(update_fields=["view_count"])
    assert Article.objects.get(pk=article.pk).translation_fingerprints == before
