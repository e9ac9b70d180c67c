"""Readers' alerts: double opt-in, signed links, one-click unsubscribe, no address
enumeration, rate limits and hostile input. Jobs run in-process (no broker), as in
`make run`; Django's test outbox holds what was sent."""

import re
import time

import pytest
from django.core import mail, signing
from django.test import Client

from alerts import tokens
from alerts.antispam import sign_start
from alerts.models import OutgoingMessage, Subscriber
from alerts.subscriptions import PER_ADDRESS_PER_DAY
from alerts.views import PER_CLIENT_PER_HOUR
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    return {
        "email": "reader@example.org",
        "language": "",
        "all_news": "on",
        "frequency": "immediate",
        "digest_hour": "8",
        "website": "",
        "started": sign_start("alerts.subscribe.started", time.time() - 30),
        **overrides,
    }


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def send(path="/en/alerts/", data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data if data is not None else form_data(), **extra)

    return send


def link(message, pattern):
    found = re.search(rf"https?://testserver(/\S*(?:{pattern})/\S+?/)", message.body)
    assert found, message.body
    return found.group(1)


def test_the_subscribe_page_answers_in_both_languages(client):
    az = client.get("/az/abune/")
    en = client.get("/en/alerts/")
    assert az.status_code == en.status_code == 200
    assert "E-poçtla xəbər bildirişləri" in az.content.decode()
    assert "News alerts by e-mail" in en.content.decode()
    assert "no-cache" in en["Cache-Control"]


def test_nothing_is_sent_until_the_link_is_used(client, post):
    response = post()
    assert response.status_code == 302
    assert response["Location"] == "/en/alerts/sent/"
    [confirmation] = mail.outbox
    assert "Confirm your news alerts" in confirmation.subject
    assert "Xəbər bildirişlərini təsdiqləyin" in confirmation.subject  # both: none chosen
    assert not Subscriber.objects.receiving().exists()
    path = link(confirmation, "confirm")
    assert client.get(path).status_code == 200  # a scanner opening it confirms nothing
    assert not Subscriber.objects.receiving().exists()
    assert client.post(path).status_code == 200
    subscriber = Subscriber.objects.receiving().get()
    assert subscriber.all_news
    assert subscriber.language == ""


def test_the_form_never_tells_whether_an_address_is_subscribed(client, post):
    first = post()
    confirm = link(mail.outbox[0], "confirm")
    client.post(confirm)
    known = post(data=form_data(email="reader@example.org"))
    unknown = post(data=form_data(email="nobody@example.org"))
    assert known.status_code == unknown.status_code == first.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert client.get(known["Location"]).content == client.get(unknown["Location"]).content


def test_the_choices_apply_only_when_the_owner_confirms(client, post):
    section = CategoryFactory()
    post()
    client.post(link(mail.outbox[0], "confirm"))
    # Someone else types the same address with other choices: nothing changes until the
    # owner uses the link sent to the address.
    post(data=form_data(all_news="", categories=[str(section.pk)], language="az"))
    subscriber = Subscriber.objects.get()
    assert subscriber.all_news
    assert "artıq bildiriş alır" in mail.outbox[-1].body
    client.post(link(mail.outbox[-1], "tesdiq"))
    subscriber.refresh_from_db()
    assert not subscriber.all_news
    assert list(subscriber.categories.all()) == [section]
    assert subscriber.language == "az"


def test_one_address_gets_a_few_confirmations_a_day_at_most(post):
    for number in range(PER_ADDRESS_PER_DAY + 2):
        assert post(data=form_data(), REMOTE_ADDR=f"10.0.0.{number}").status_code == 302
    assert len(mail.outbox) == PER_ADDRESS_PER_DAY


def test_one_client_is_rate_limited(post):
    for number in range(PER_CLIENT_PER_HOUR):
        response = post(data=form_data(email=f"r{number}@example.org"), REMOTE_ADDR="10.1.1.1")
        assert response.status_code == 302
    blocked = post(data=form_data(email="late@example.org"), REMOTE_ADDR="10.1.1.1")
    assert blocked.status_code == 429
    assert "Too many requests" in blocked.content.decode()
    assert not OutgoingMessage.objects.filter(to="late@example.org").exists()


@pytest.mark.parametrize(
    "email",
    [
        "not-an-address",
        "reader@example.org\r\nBcc: victim@example.com",
        "reader@example.org\nCc: a@b.c",
        "<script>@example.org",
        "a" * 300 + "@example.org",
        "",
    ],
)
def test_a_malformed_or_hostile_address_is_a_form_error(post, email):
    response = post(data=form_data(email=email))
    assert response.status_code == 400
    assert 'id="id_email-error"' in response.content.decode()
    assert mail.outbox == []
    assert not Subscriber.objects.exists()


def test_choosing_nothing_is_a_form_error(post):
    response = post(data=form_data(all_news=""))
    assert response.status_code == 400
    assert "at least one section" in response.content.decode()


def test_timing_errors_are_hidden_while_required_fields_are_empty(post):
    response = post(data=form_data(email="", started=sign_start("alerts.subscribe.started")))
    text = response.content.decode()
    assert response.status_code == 400
    assert "too quickly" not in text
    assert 'id="id_email-error"' in text


def test_the_honeypot_and_a_too_fast_form_send_nothing(post):
    assert post(data=form_data(website="http://spam.example")).status_code == 400
    assert post(data=form_data(started=sign_start("alerts.subscribe.started"))).status_code == 400
    assert mail.outbox == []


def test_a_huge_body_is_refused_before_it_is_read(client):
    response = client.post(
        "/en/alerts/", data=b"email=" + b"a" * (10 * 1024 * 1024), content_type="text/plain"
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "path",
    [
        "/en/alerts/confirm/forged/",
        "/en/alerts/confirm/eyJzIjoxfQ:1abc:forgedsignature/",
        "/en/alerts/manage/forged/",
        "/en/alerts/unsubscribe/forged/",
        "/az/abune/imtina/%00%0d%0a/",
    ],
)
def test_a_forged_link_gets_a_clear_page(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "cannot be used" in response.content.decode() or "istifadə" in response.content.decode()


def test_an_expired_confirmation_link_says_so(client):
    subscriber = Subscriber.objects.create(email="old@example.org")

    class LongAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 8 * 24 * 3600)

    token = LongAgo(salt=tokens.CONFIRM[0]).sign_object({"s": subscriber.pk, "g": 0, "c": {}})
    response = client.post(f"/en/alerts/confirm/{token}/")
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not Subscriber.objects.receiving().exists()


def test_unsubscribing_twice_and_confirming_afterwards_get_clear_pages(client, post):
    post()
    confirm = link(mail.outbox[0], "confirm")
    client.post(confirm)
    subscriber = Subscriber.objects.get()
    unsubscribe = f"/en/alerts/unsubscribe/{tokens.make(tokens.UNSUBSCRIBE, subscriber)}/"
    assert "Unsubscribe" in client.get(unsubscribe).content.decode()
    first = client.post(unsubscribe)
    assert first.status_code == 200
    assert "No more alerts will be sent" in first.content.decode()
    again = client.post(unsubscribe)
    assert again.status_code == 200
    assert "already unsubscribed" in again.content.decode()
    # The old confirmation link no longer subscribes the address.
    late = client.post(confirm)
    assert late.status_code == 400
    assert "earlier subscription" in late.content.decode()
    assert not Subscriber.objects.receiving().exists()
    assert len(mail.outbox) == 1


def test_one_click_unsubscribe_needs_no_cookie_or_csrf_token(post):
    post()
    subscriber = Subscriber.objects.get()
    token = tokens.make(tokens.UNSUBSCRIBE, subscriber)
    response = Client(enforce_csrf_checks=True).post(
        f"/en/alerts/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert Subscriber.objects.get().unsubscribed_at is not None


def test_the_manage_page_changes_the_choices_from_a_signed_link(client, post):
    section = CategoryFactory()
    post()
    client.post(link(mail.outbox[0], "confirm"))
    subscriber = Subscriber.objects.get()
    manage = f"/en/alerts/manage/{tokens.make(tokens.MANAGE, subscriber)}/"
    page = client.get(manage)
    assert page.status_code == 200
    assert "reader@example.org" in page.content.decode()
    saved = client.post(
        manage,
        {
            "language": "en",
            "categories": [str(section.pk)],
            "frequency": "daily",
            "digest_hour": "19",
        },
    )
    assert saved.status_code == 200
    subscriber.refresh_from_db()
    assert (subscriber.all_news, subscriber.frequency, subscriber.digest_hour) == (
        False,
        "daily",
        19,
    )
    assert list(subscriber.categories.all()) == [section]
    hostile = client.post(manage, {"frequency": "hourly", "digest_hour": "99"})
    assert hostile.status_code == 400
