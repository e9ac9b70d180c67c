"""Nothing typed is lost in the browser: leaving an article form with unsaved changes asks
first, and the body kept in localStorage is offered back when the form opens again
(static/js/admin-newsroom.js, under the admin's CSP)."""

import re

import pytest
from playwright.sync_api import expect

from news.models import Article
from tests.factories import PASSWORD, editor

TYPED = "Bu cümlə yadda saxlanmadan yazılıb."


@pytest.fixture(scope="module")
def writer(demo_site, django_db_blocker):
    with django_db_blocker.unblock():
        return editor("qaralama-redaktor"), Article.objects.order_by("pk").first()


def test_a_closed_form_offers_its_body_back_and_leaving_asks_first(page, writer):
    user, article = writer
    url = f"/admin/news/article/{article.pk}/change/"
    page.problems.allow(r"favicon\.ico")
    page.goto(f"/admin/login/?next={url}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(url) + "$"))

    body = page.locator(".field-body_az [contenteditable=true]")
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" " + TYPED)
    page.wait_for_timeout(1200)  # the copy is written 0.8 s after the last change

    dialogs = []

    def leave(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", leave)
    page.reload()
    assert dialogs == ["beforeunload"]

    offer = page.locator(".newsroom-draft")
    expect(offer).to_be_visible()
    offer.get_by_role("button", name="Saxlanan surəti bərpa et").click()
    expect(offer).to_be_hidden()
    expect(page.locator(".field-body_az [contenteditable=true]")).to_contain_text(TYPED)
