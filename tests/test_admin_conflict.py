"""No lost update: a form opened before someone else's save is refused with HTTP 409, the
page names who saved and what differs, and keeps everything the second editor typed."""

import contextlib
import threading

import pytest
from bs4 import BeautifulSoup
from django.db import connections, transaction
from django.test import Client

from core.concurrency import StaleEditError, claim
from news.models import Article
from news.newsroom import workflow
from portal.models import StaticPage
from tests.factories import ArticleFactory, admin_form_data, editor, in_english

pytestmark = [pytest.mark.usefixtures("media_root")]


def change_url(article):
    return f"/admin/news/article/{article.pk}/change/"


def signed_in(user):
    client = in_english(Client())
    client.force_login(user)
    return client


def form_value(response, name):
    field = BeautifulSoup(response.content, "html.parser").find(attrs={"name": name})
    return field.text.strip() if field.name == "textarea" else field.get("value")


@pytest.mark.django_db
def test_a_stale_article_save_is_refused_and_keeps_the_second_editors_text():
    article = ArticleFactory(title_en="Original title", lead_en="Original lead")
    anna, bahar = editor("anna"), editor("bahar")
    anna_client, bahar_client = signed_in(anna), signed_in(bahar)
    anna_client.post(change_url(article), admin_form_data(anna_client.get(change_url(article))))
    anna_form = admin_form_data(anna_client.get(change_url(article)))
    bahar_form = admin_form_data(bahar_client.get(change_url(article)))

    anna_form["title_en"] = "Title fixed by Anna"
    assert anna_client.post(change_url(article), anna_form).status_code == 302

    bahar_form["lead_en"] = "Bahar's new lead, typed with care"
    bahar_form["body_en"] = "<p>Bahar rewrote the body.</p>"
    refused = bahar_client.post(change_url(article), bahar_form)

    assert refused.status_code == 409
    panel = BeautifulSoup(refused.content, "html.parser").select_one(".edit-conflict")
    assert "anna" in panel.get_text(" ")
    assert "Anna" in panel.select_one(".edit-conflict__row--taken").get_text(" ")
    assert form_value(refused, "lead_en") == "Bahar's new lead, typed with care"
    assert "Bahar rewrote the body." in form_value(refused, "body_en")
    # Anna's fix, which Bahar did not touch, is now in Bahar's form.
    assert form_value(refused, "title_en") == "Title fixed by Anna"
    article.refresh_from_db()
    assert article.title_en == "Title fixed by Anna"
    assert article.lead_en == "Original lead"

    # Saving the kept form again keeps both editors' changes.
    assert bahar_client.post(change_url(article), admin_form_data(refused)).status_code == 302
    article.refresh_from_db()
    assert article.title_en == "Title fixed by Anna"
    assert article.lead_en == "Bahar's new lead, typed with care"
    assert "Bahar rewrote the body." in article.body_en


@pytest.mark.django_db
def test_when_both_changed_a_text_the_second_editors_stays_and_the_difference_shows():
    article = ArticleFactory(title_en="Original title")
    first, second = signed_in(editor("first")), signed_in(editor("second"))
    first_form = admin_form_data(first.get(change_url(article)))
    second_form = admin_form_data(second.get(change_url(article)))
    first_form["title_en"] = "First title"
    assert first.post(change_url(article), first_form).status_code == 302
    second_form["title_en"] = "Second title"
    refused = second.post(change_url(article), second_form)
    assert refused.status_code == 409
    assert form_value(refused, "title_en") == "Second title"
    diff = BeautifulSoup(refused.content, "html.parser").select_one(".edit-conflict .newsroom-diff")
    assert diff.select_one("del").get_text() == "First"
    assert diff.select_one("ins").get_text() == "Second"


@pytest.mark.django_db
def test_a_form_without_its_version_overwrites_nothing():
    article = ArticleFactory(title_en="Kept")
    client = signed_in(editor())
    data = admin_form_data(client.get(change_url(article)))
    del data["edit_version"]
    data["title_en"] = "From an old tab"
    assert client.post(change_url(article), data).status_code == 409
    article.refresh_from_db()
    assert article.title_en == "Kept"


@pytest.mark.django_db
def test_a_workflow_step_makes_an_open_form_stale():
    article = ArticleFactory(status=Article.Status.DRAFT, title_en="Draft")
    boss = editor()
    client = signed_in(boss)
    data = admin_form_data(client.get(change_url(article)))
    workflow.publish(article, boss)
    data["title_en"] = "Edited meanwhile"
    assert client.post(change_url(article), data).status_code == 409
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.title_en == "Draft"


@pytest.mark.django_db
def test_a_stale_static_page_save_is_refused():
    page = StaticPage.objects.create(title_az="Haqqımızda", title_en="About", body_en="<p>A</p>")
    url = f"/admin/portal/staticpage/{page.pk}/change/"
    first, second = signed_in(editor_superuser("first")), signed_in(editor_superuser("second"))
    first_form = admin_form_data(first.get(url), form_id="staticpage_form")
    second_form = admin_form_data(second.get(url), form_id="staticpage_form")
    first_form["title_en"] = "About us"
    assert first.post(url, first_form).status_code == 302
    second_form["body_en"] = "<p>Second editor's body</p>"
    refused = second.post(url, second_form)
    assert refused.status_code == 409
    assert "first" in BeautifulSoup(refused.content, "html.parser").select_one(
        ".edit-conflict"
    ).get_text(" ")
    page.refresh_from_db()
    assert page.title_en == "About us"
    assert "Second editor" not in page.body_en


def editor_superuser(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser(username, f"{username}@example.gov.az", "x")


# Two saves in the same second, each on its own connection: exactly one wins.


def _at_once(jobs):
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # the test inspects what each job raised
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_claims_of_one_version_on_two_connections_exactly_one_wins():
    article = ArticleFactory()
    both_claimed = threading.Barrier(2, timeout=5)

    def save():
        with transaction.atomic():
            mine = Article.objects.get(pk=article.pk)
            try:
                claim(mine, 1)
            except StaleEditError:
                return "refused"
            # Hold the claim open while the other connection tries: it must wait, then lose.
            with contextlib.suppress(threading.BrokenBarrierError):
                both_claimed.wait(timeout=0.5)
            mine.save()
            return "saved"

    assert sorted(_at_once([save, save])) == ["refused", "saved"]
    article.refresh_from_db()
    assert article.edit_version == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_in_the_same_second_exactly_one_wins():
    article = ArticleFactory(title_en="Start")
    # A transactional test starts without the groups the migrations made: superusers.
    clients = [signed_in(editor_superuser("one")), signed_in(editor_superuser("two"))]
    forms = [admin_form_data(client.get(change_url(article))) for client in clients]
    forms[0]["title_en"] = "Title by one"
    forms[1]["title_en"] = "Title by two"

    statuses = _at_once(
        [
            lambda: clients[0].post(change_url(article), forms[0]).status_code,
            lambda: clients[1].post(change_url(article), forms[1]).status_code,
        ]
    )

    assert sorted(statuses) == [302, 409]
    winner = statuses.index(302)
    article.refresh_from_db()
    assert article.title_en == forms[winner]["title_en"]
    assert article.edit_version == 2


@pytest.mark.django_db
def test_the_static_page_lists_editable_columns_save_and_make_open_forms_stale():
    page = StaticPage.objects.create(title_az="Əlaqə", title_en="Contacts", menu_order=1)
    client = signed_in(editor_superuser("lister"))
    url = f"/admin/portal/staticpage/{page.pk}/change/"
    opened = admin_form_data(client.get(url), form_id="staticpage_form")
    listing = client.post(
        "/admin/portal/staticpage/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(page.pk),
            "form-0-menu_order": "7",
            "form-0-show_in_menu": "on",
            "form-0-is_published": "on",
            "_save": "Save",
        },
    )
    assert listing.status_code == 302
    page.refresh_from_db()
    assert page.menu_order == 7
    opened["title_en"] = "Contact us"
    assert client.post(url, opened).status_code == 409
