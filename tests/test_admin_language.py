"""The admin speaks each staff user's own language (default Azerbaijani), whatever the
public site's cookie says, with a switch in the header and that language's date formats."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client
from django.utils import timezone

from news.models import Article
from portal.models import StaffPreference
from tests.factories import ArticleFactory, admin_form_data, editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def signed_in(user, **headers):
    client = Client(**headers)
    client.force_login(user)
    return client


def lang_of(response):
    return BeautifulSoup(response.content, "html.parser").html["lang"]


def test_the_admin_is_azerbaijani_by_default_whatever_the_public_cookie_says():
    client = signed_in(editor(), HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the reader clicked EN on a preview
    page = client.get("/admin/")
    assert lang_of(page) == "az"
    assert "Qaçqınların və Məcburi Köçkünlərin İşləri üzrə Dövlət Komitəsi" in page.content.decode()
    assert lang_of(client.get("/admin/news/article/")) == "az"
    # The public site still follows the cookie.
    assert client.get("/", follow=True).request["PATH_INFO"].startswith("/en/")


def test_the_header_switch_changes_the_admin_language_for_good():
    user = editor()
    client = signed_in(user)
    switch = BeautifulSoup(client.get("/admin/news/article/").content, "html.parser").select_one(
        "form.admin-language"
    )
    assert switch is not None
    response = client.post(
        switch["action"], {"language": "en", "next": "/admin/news/article/?state=review"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/news/article/?state=review"
    assert lang_of(client.get("/admin/")) == "en"
    assert StaffPreference.objects.get(user=user).admin_language == "en"
    # A new sign-in, another browser: still English, from the saved preference.
    assert lang_of(signed_in(user).get("/admin/")) == "en"


@pytest.mark.parametrize(
    ("posted", "target"),
    [
        ({"language": "xx", "next": "/admin/"}, "/admin/"),
        ({"language": "en", "next": "https://evil.example/admin/"}, "/admin/"),
        ({"language": "en", "next": "/en/"}, "/admin/"),
    ],
)
def test_the_switch_refuses_bad_input_calmly(posted, target):
    client = signed_in(editor())
    response = client.post("/admin/language/", posted)
    assert response.status_code == 302
    assert response["Location"] == target


def test_the_switch_needs_a_signed_in_staff_user_and_a_post():
    assert Client().post("/admin/language/", {"language": "en"}).status_code == 302  # to login
    assert not StaffPreference.objects.exists()
    assert signed_in(editor()).get("/admin/language/").status_code == 405


def test_an_azerbaijani_admin_accepts_azerbaijani_dates():
    article = ArticleFactory(status=Article.Status.DRAFT)
    client = signed_in(editor(), HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"/admin/news/article/{article.pk}/change/"
    data = admin_form_data(client.get(url))
    moment = timezone.localtime(timezone.now() + datetime.timedelta(days=3))
    data.update(
        {
            "status": "published",
            "published_at_0": moment.strftime("%d.%m.%Y"),
            "published_at_1": "10:30",
        }
    )
    assert client.post(url, data).status_code == 302
    article.refresh_from_db()
    published = timezone.localtime(article.published_at)
    assert (published.date(), published.hour, published.minute) == (moment.date(), 10, 30)
