"""Translators reach only their workspace and only their target language's fields."""

import pytest
from django.contrib.auth.models import User

from news.models import Article
from tests.factories import (
    PASSWORD,
    ArticleFactory,
    CategoryFactory,
    azerbaijani_only,
    make_translator,
    post_translation,
)
from translators.models import TranslatorProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return azerbaijani_only(
        status=Article.Status.DRAFT, title_az="Qaralama", body_az="<p>Mətn.</p>"
    )


def edit_url(article, language="en"):
    return f"/admin/translations/article/{article.pk}/{language}/"


def test_the_workspace_needs_a_login(client):
    response = client.get("/admin/translations/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_without_the_permission_are_refused(client):
    client.force_login(User.objects.create_user("clerk", password=PASSWORD, is_staff=True))
    assert client.get("/admin/translations/").status_code == 403


def test_a_translator_reaches_the_board_and_sees_it_on_the_admin_index(translator_client):
    assert translator_client.get("/admin/translations/").status_code == 200
    index = translator_client.get("/admin/").content.decode()
    assert "/admin/translators/translationboard/" in index
    assert "/admin/news/article/" not in index


@pytest.mark.parametrize(
    "url",
    [
        "/admin/news/article/",
        "/admin/news/article/add/",
        "/admin/news/article/{pk}/change/",
        "/admin/news/article/{pk}/delete/",
        "/admin/news/category/",
        "/admin/portal/staticpage/",
    ],
)
def test_a_translator_cannot_open_the_newsroom_admin(translator_client, draft, url):
    assert translator_client.get(url.format(pk=draft.pk)).status_code == 403


def test_a_translator_cannot_publish_through_the_change_form(translator_client, draft):
    response = translator_client.post(
        f"/admin/news/article/{draft.pk}/change/",
        {"status": "published", "title_az": "Dəyişdi", "body_az": "<p>Yox.</p>"},
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert (draft.status, draft.title_az) == ("draft", "Qaralama")


def test_a_translator_cannot_publish_through_the_list_action(translator_client, draft):
    response = translator_client.post(
        "/admin/news/article/",
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_translator_cannot_delete(translator_client, draft):
    response = translator_client.post(f"/admin/news/article/{draft.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Article.objects.filter(pk=draft.pk).exists()


def test_the_workspace_writes_only_target_fields(translator_client, draft):
    response = post_translation(
        translator_client,
        edit_url(draft),
        {
            "title": "Draft",
            "body": "<p>Text.</p>",
            # Smuggled fields: the form has no such fields, the save never writes them.
            "title_az": "Sındırıldı",
            "body_az": "<p>Sındırıldı</p>",
            "status": "published",
            "source_language": "en",
            "_save": "1",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title_en, draft.body_en) == ("Draft", "<p>Text.</p>")
    assert (draft.title_az, draft.body_az) == ("Qaralama", "<p>Mətn.</p>")
    assert (draft.status, draft.source_language) == ("draft", "az")


def test_a_translator_cannot_edit_the_original_language(translator_client, draft):
    assert translator_client.get(edit_url(draft, "az")).status_code == 403
    response = translator_client.post(edit_url(draft, "az"), {"title": "Sındırıldı"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.title_az == "Qaralama"


def test_an_english_original_is_not_editable_by_an_english_translator(translator_client):
    article = ArticleFactory(source_language="en", title_en="Original")
    response = translator_client.post(edit_url(article, "en"), {"title": "Changed"})
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title_en == "Original"


def test_an_azerbaijani_translator_works_only_in_azerbaijani(client):
    user = make_translator("tercumeci", language="az")
    client.force_login(user)
    article = ArticleFactory(source_language="en")
    assert client.get(edit_url(article, "az")).status_code == 200
    assert client.get(edit_url(ArticleFactory(), "en")).status_code == 403


def test_a_translator_without_a_profile_translates_into_english(client):
    user = make_translator()
    TranslatorProfile.objects.filter(user=user).delete()
    client.force_login(user)
    article = ArticleFactory()
    assert client.get(edit_url(article, "en")).status_code == 200


def test_a_translator_cannot_rename_categories_outside_their_language(translator_client):
    category = CategoryFactory(name_az="Tədbirlər")
    response = post_translation(
        translator_client,
        f"/admin/translations/category/{category.pk}/en/",
        {"name": "Events", "name_az": "X"},
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.name_az, category.name_en) == ("Tədbirlər", "Events")
