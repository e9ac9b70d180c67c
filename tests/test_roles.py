"""Roles, proved through the admin with logged-in users: Editors publish, Authors write drafts
and submit them for review, Translators get nothing in the article admin beyond their grants."""

import pytest
from django.contrib.auth.models import Group

from news.models import Article
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    admin_form_data,
    author,
    editor,
    in_english,
    staff_user,
)

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/news/article/add/"
LIST_URL = "/admin/news/article/"


def login(client, user):
    client.force_login(user)
    return in_english(client)


def codes(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_the_migration_creates_the_groups():
    editor_codes, author_codes = codes("Editor"), codes("Author")
    assert {"news.publish_article", "news.delete_article", "news.change_article"} <= editor_codes
    assert {"news.add_article", "news.change_article", "news.add_articlephoto"} <= author_codes
    assert "news.publish_article" not in author_codes
    assert "news.delete_article" not in author_codes


def status_choices(response):
    from bs4 import BeautifulSoup

    select = BeautifulSoup(response.content, "html.parser").find("select", id="id_status")
    return [option["value"] for option in select.find_all("option")]


def new_article_data(client, status):
    data = admin_form_data(client.get(ADD_URL))
    data.update(
        {
            "title_az": "Müəllifin yazısı",
            "body_az": "<p>Mətn</p>",
            "category": str(CategoryFactory().pk),
            "status": status,
        }
    )
    return data


def test_author_is_offered_only_draft_and_review(client):
    login(client, author())
    assert status_choices(client.get(ADD_URL)) == ["draft", "review"]


def test_authors_post_of_published_is_refused(client):
    login(client, author())
    response = client.post(ADD_URL, new_article_data(client, "published"))
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not Article.objects.exists()


def test_author_submits_for_review(client):
    user = author()
    login(client, user)
    response = client.post(ADD_URL, new_article_data(client, "review"))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.REVIEW
    assert article.author == user


def test_author_cannot_use_the_publish_action(client):
    draft = ArticleFactory(status=Article.Status.REVIEW)
    login(client, author())
    page = client.get(LIST_URL)
    assert b"publish_selected" not in page.content
    assert b"submit_selected" in page.content
    client.post(LIST_URL, {"action": "publish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW


def test_author_cannot_edit_or_delete_a_published_article(client):
    published = ArticleFactory()
    login(client, author())
    change_url = f"/admin/news/article/{published.pk}/change/"
    page = client.get(change_url)
    assert page.status_code == 200  # readable…
    assert b'name="title_az"' not in page.content  # …but not editable
    response = client.post(change_url, {"title_az": "Hijacked", "status": "draft"})
    assert response.status_code == 403
    assert (
        client.post(f"/admin/news/article/{published.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    published.refresh_from_db()
    assert published.status == Article.Status.PUBLISHED
    assert published.title_az != "Hijacked"


def test_author_cannot_restore_a_revision_of_a_published_article(client):
    from news.newsroom import workflow
    from news.newsroom.revisions import versions_of

    article = ArticleFactory(status=Article.Status.DRAFT)
    boss = editor()
    workflow.publish(article, boss)
    version = versions_of(article).first()
    login(client, author())
    url = f"/admin/news/article/{article.pk}/revisions/{version.pk}/restore/"
    assert client.post(url).status_code == 403


def test_editor_publishes_from_the_form_and_the_action(client):
    login(client, editor())
    assert status_choices(client.get(ADD_URL)) == ["draft", "review", "published"]
    response = client.post(ADD_URL, new_article_data(client, "published"))
    assert response.status_code == 302
    assert Article.objects.get().status == Article.Status.PUBLISHED
    draft = ArticleFactory(status=Article.Status.DRAFT)
    client.post(LIST_URL, {"action": "publish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    client.post(LIST_URL, {"action": "unpublish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_editor_can_delete(client):
    article = ArticleFactory()
    login(client, editor())
    response = client.post(f"/admin/news/article/{article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.exists()


def test_translator_gets_nothing_in_the_article_admin(client):
    article = ArticleFactory()
    translator = staff_user("translator", "Translator")
    assert not translator.has_perm("news.change_article")
    login(client, translator)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(f"/admin/news/article/{article.pk}/change/").status_code == 403
    assert client.get(ADD_URL).status_code == 403


def test_staff_without_a_group_gets_nothing(client):
    login(client, staff_user("intern"))
    assert client.get(LIST_URL).status_code == 403


HIDDEN_FROM_AUTHORS = ["slug_az", "slug_en", "source_language", "withdrawn_reason_az"]


def field_names(response):
    from bs4 import BeautifulSoup

    form = BeautifulSoup(response.content, "html.parser").find("form", id="article_form")
    return {field.get("name") for field in form.find_all(["input", "select", "textarea"])}


def test_authors_do_not_see_fields_their_role_cannot_use(client):
    login(client, author())
    names = field_names(client.get(ADD_URL))
    assert not names & set(HIDDEN_FROM_AUTHORS)
    assert client.post(ADD_URL, new_article_data(client, "review")).status_code == 302
    article = Article.objects.get()
    assert article.slug_az == "muellifin-yazisi"  # made from the title all the same
    # A forged field the form does not have is ignored, not saved.
    data = admin_form_data(client.get(f"/admin/news/article/{article.pk}/change/"))
    data.update({"slug_az": "forged", "withdrawn_reason_az": "forged"})
    assert client.post(f"/admin/news/article/{article.pk}/change/", data).status_code == 302
    article.refresh_from_db()
    assert article.slug_az == "muellifin-yazisi"
    assert article.withdrawn_reason_az in ("", None)


def test_editors_see_them(client):
    login(client, editor())
    assert set(HIDDEN_FROM_AUTHORS) <= field_names(client.get(ADD_URL))
