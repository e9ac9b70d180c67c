"""Every form field's limit holds on the server.

Finding: the admin's login limited the username only in the browser (`maxlength`), and a
longer one reached the database: a 500. Here every text field of every public form, of the
add and change forms of every registered ModelAdmin (inlines included) and of the
translators' workspace gets ten times its limit (10,000 characters when it has none; a
number box, a number no integer column holds), as a superuser would post it. The answer
may be a form error or a redirect, never a 5xx.
"""

import time

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from news.models import Tag
from portal.forms import sign_start
from portal.models import Appeal, SiteSettings, StaticPage
from tests.factories import ArticleFactory, make_photo, make_translator
from translators.models import ImportLog

pytestmark = [pytest.mark.security, pytest.mark.django_db]

FACTOR = 10
NO_LIMIT = 10_000
# A number box gets a number no integer column holds.
BEYOND_BIGINT = 30
# Boxes a person types into (the admin's date and time boxes are text inputs too).
TEXT_INPUTS = {"text", "email", "url", "tel", "search", "password", "number"}
SKIPPED_INPUTS = {"submit", "button", "image", "reset", "file"}
MANAGEMENT = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")
PREFIX = "-__prefix__-"
EMAIL_TAIL = "@example.gov.az"
URL_HEAD = "https://example.gov.az/"
# The whole test must stay cheap: it is a regression test, not a fuzzer.
TIME_BUDGET = 30


def overlong(kind, maxlength=None):
    """Ten times the limit (or NO_LIMIT characters), shaped like what the field expects."""
    if kind == "number":
        return "9" * BEYOND_BIGINT
    length = FACTOR * int(maxlength) if maxlength else NO_LIMIT
    if kind == "email":
        return "a" * (length - len(EMAIL_TAIL)) + EMAIL_TAIL
    if kind == "url":
        return URL_HEAD + "a" * (length - len(URL_HEAD))
    return "a" * length


def _kind(field):
    if field.name != "input":
        return field.name
    return (field.get("type") or "text").lower()


def _selected(select):
    chosen = [option.get("value", "") for option in select.find_all("option", selected=True)]
    if select.has_attr("multiple"):
        return chosen
    first = select.find("option")
    return chosen[0] if chosen else (first.get("value", "") if first else "")


def _sent(field, kind):
    """What a browser sends for the field as shown, or None for nothing."""
    if kind in SKIPPED_INPUTS:
        return None
    if kind in {"checkbox", "radio"}:
        return field.get("value", "on") if field.has_attr("checked") else None
    if kind == "select":
        return _selected(field)
    if kind == "textarea":
        return field.text.lstrip("\n")
    return field.get("value", "")


def _is_text(name, kind):
    return (kind in TEXT_INPUTS or kind == "textarea") and not name.endswith(MANAGEMENT)


def hostile_post_data(html, selector):
    """(data, number of text fields made overlong) for the form `selector` on the page: what
    a browser would send, with every text field ten times too long. Inlines that show no
    row get one, from their empty template, filled the same way."""
    form = BeautifulSoup(html, "html.parser").select_one(selector)
    if form is None:
        return {}, 0
    data, templates, filled = {}, {}, 0
    for field in form.find_all(["input", "select", "textarea"]):
        name, kind = field.get("name"), _kind(field)
        if not name:
            continue
        if PREFIX in name:
            templates.setdefault(name.split(PREFIX)[0], []).append((name, field, kind))
            continue
        if _is_text(name, kind):
            data[name] = overlong(kind, field.get("maxlength"))
            filled += 1
            continue
        value = _sent(field, kind)
        if value is not None:
            data[name] = value
    for prefix, fields in templates.items():
        if data.get(f"{prefix}-TOTAL_FORMS") != "0":
            continue
        data[f"{prefix}-TOTAL_FORMS"] = "1"
        for name, field, kind in fields:
            row_name = name.replace("__prefix__", "0")
            if _is_text(row_name, kind):
                data[row_name] = overlong(kind, field.get("maxlength"))
                filled += 1
            elif (value := _sent(field, kind)) is not None:
                data[row_name] = value
    return data, filled


def hostile_get_data(html, selector):
    """Every parameter of a GET form ten times too long (or NO_LIMIT characters)."""
    form = BeautifulSoup(html, "html.parser").select_one(selector)
    assert form is not None, selector
    names = {field.get("name") for field in form.find_all(["input", "select", "textarea"])}
    return {name: overlong("text") for name in names if name}


class Probe:
    """A superuser's browser that records every 5xx instead of raising."""

    def __init__(self, client):
        self.client = client
        self.failures = []
        self.exercised = []

    def _check(self, method, url, response):
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None)
            self.failures.append((method, url, response.status_code, error and error[1]))
        return response

    def get(self, url, data=None):
        return self._check("GET", url, self.client.get(url, data or {}))

    def post(self, url, data, filled=0):
        if filled:
            self.exercised.append(url)
        return self._check("POST", url, self.client.post(url, data))

    def post_form(self, url, selector):
        """GET the page, then POST its form back with every text field overlong."""
        page = self.get(url)
        data, filled = ({}, 0)
        if page.status_code == 200:
            data, filled = hostile_post_data(page.content, selector)
        return self.post(url, data, filled)


@pytest.fixture
def probe(media_root):
    chief = get_user_model().objects.create_superuser("chief", "chief@example.gov.az", "x")
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(chief)
    probe = Probe(client)
    probe.user = chief
    return probe


@pytest.fixture
def content(media_root):
    """One object of every kind the admin edits, so each change form has one to show."""
    article = ArticleFactory()
    make_photo(article, alt_az="Şəkil", alt_en="Photo")
    Tag.objects.create(name_az="Etiket", name_en="Tag")
    StaticPage.objects.create(title_az="Haqqımızda", title_en="About", body_az="<p>Mətn</p>")
    SiteSettings(quote_text_az="Sitat", quote_text_en="Quote").save()
    Appeal.objects.create(name="Aysel", email="a@example.az", subject="Mövzu", message="Mətn")
    make_translator()
    ImportLog.objects.create(
        file_name="t.xlf",
        file_size=1,
        file_sha256="0" * 64,
        source_language="az",
        target_language="en",
        unit_count=0,
    )
    # Real sign-ins leave django-axes' records: a failed attempt, a successful login.
    browser = Client()
    get_user_model().objects.create_user("signer", password="Signer-pass-2026!", is_staff=True)
    browser.post("/admin/login/", {"username": "nobody", "password": "wrong"})
    browser.post("/admin/login/", {"username": "signer", "password": "Signer-pass-2026!"})
    return article


def test_every_admin_form_holds_its_limits(probe, content):
    started = time.monotonic()
    registered = [(model, admin.site.get_model_admin(model)) for model in admin.site._registry]
    assert len(registered) >= 10
    for model, model_admin in registered:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        selector = f"form#{model._meta.model_name}_form"
        probe.post_form(reverse(f"{info}_add"), selector)
        existing = model._default_manager.order_by("pk").first()
        if existing is not None:
            probe.post_form(reverse(f"{info}_change", args=[existing.pk]), selector)
        if model_admin.search_fields:
            probe.get(reverse(f"{info}_changelist"), {"q": overlong("search")})
    # Each of our own content forms really got overlong text, and not only their add page.
    for path in (
        "/admin/news/article/add/",
        f"/admin/news/article/{content.pk}/change/",
        "/admin/news/category/add/",
        "/admin/news/tag/add/",
        "/admin/portal/staticpage/add/",
        "/admin/portal/sitesettings/1/change/",
        "/admin/auth/user/add/",
        "/admin/auth/group/add/",
    ):
        assert path in probe.exercised, path
    # The admin's search box for autocomplete fields (the translator profile's user).
    probe.get(
        "/admin/autocomplete/",
        {
            "term": overlong("search"),
            "app_label": "translators",
            "model_name": "translatorprofile",
            "field_name": "user",
        },
    )
    # The password forms: one's own (the old password is wrong), then a user's, set by a
    # superuser (both boxes agree: it is saved, ten thousand characters long).
    probe.post_form("/admin/password_change/", "#content-main form")
    probe.post_form(f"/admin/auth/user/{probe.user.pk}/password/", "#content-main form")
    assert "/admin/password_change/" in probe.exercised
    assert not probe.failures, probe.failures
    assert time.monotonic() - started < TIME_BUDGET


def test_the_translators_workspace_holds_its_limits(probe, content):
    board = probe.get("/admin/translations/")
    assert board.status_code == 200
    for selector, url in (
        ("form.translators-filters", "/admin/translations/"),
        ("form#export-form", "/admin/translations/export/"),
    ):
        probe.get(url, {**hostile_get_data(board.content, selector), "page": overlong("text")})
    probe.post_form(f"/admin/translations/article/{content.pk}/en/", "#content-main form")
    assert f"/admin/translations/article/{content.pk}/en/" in probe.exercised
    upload = SimpleUploadedFile("a" * NO_LIMIT + ".xlf", b"<xliff/>", "application/xml")
    probe.post("/admin/translations/import/", {"file": upload, "language": overlong("text")})
    assert not probe.failures, probe.failures


@pytest.mark.parametrize("path", ["/az/muraciet/", "/en/appeal/"])
def test_the_appeal_form_holds_its_limits(client, path):
    page = client.get(path)
    data, filled = hostile_post_data(page.content, "form.appeal-form")
    assert filled >= 5  # name, e-mail, phone, subject, message (and the honeypot)
    data["started"] = sign_start(time.time() - 30)
    response = client.post(path, data)
    assert response.status_code == 400
    assert not Appeal.objects.exists()
    # Every field at once, the hidden timestamp too.
    everything = {name: overlong("text") for name in data if name != "csrfmiddlewaretoken"}
    assert client.post(path, everything).status_code == 400


@pytest.mark.parametrize("path", ["/az/axtaris/", "/en/search/"])
def test_the_search_form_holds_its_limits(client, path):
    page = client.get(path)
    assert page.status_code == 200
    params = hostile_get_data(page.content, "form.search-page__form")
    assert {"q", "sort", "category", "year"} <= set(params)
    assert client.get(path, params).status_code < 500
    assert client.get(path, {**params, "page": overlong("text")}).status_code < 500


def test_the_admin_login_holds_its_limits(client):
    page = client.get("/admin/login/")
    data, filled = hostile_post_data(page.content, "form#login-form")
    assert filled == 2  # username and password
    assert client.post("/admin/login/", data).status_code == 200
