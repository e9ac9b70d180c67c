"""The citizens' appeal form: stored, confirmed with a reference, guarded against spam."""

import time

import pytest
from django.core import signing

from portal.appeals import RATE_LIMIT
from portal.forms import MAX_FORM_AGE_SECONDS, TIMESTAMP_SALT, sign_start
from portal.models import Appeal
from tests.factories import appeal_data

pytestmark = pytest.mark.django_db


def test_form_page_is_never_cached_and_has_a_csrf_token(client):
    response = client.get("/az/muraciet/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    text = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in text
    assert 'name="started"' in text
    assert '<label for="id_name">' in text
    assert 'aria-hidden="true"' in text  # the honeypot is hidden from people
    assert client.get("/en/appeal/").status_code == 200


def test_appeal_is_stored_and_confirmed_with_its_reference(client):
    response = client.post("/az/muraciet/", appeal_data())
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.name == "Aysel Məmmədova"
    assert appeal.language == "az"
    assert appeal.reference.startswith("M-")
    confirmation = client.get(response["Location"])
    assert confirmation.status_code == 200
    assert "no-cache" in confirmation["Cache-Control"]
    assert appeal.reference in confirmation.content.decode()


def test_english_appeal_records_its_language(client):
    client.post("/en/appeal/", appeal_data())
    assert Appeal.objects.get().language == "en"


def test_confirmation_needs_a_signed_reference(client):
    assert client.get("/az/muraciet/gonderildi/").status_code == 404
    assert client.get("/az/muraciet/gonderildi/?ref=M-1234ABCD").status_code == 404
    forged = signing.dumps("M-1234ABCD", salt="another-salt")
    assert client.get(f"/az/muraciet/gonderildi/?ref={forged}").status_code == 404


def test_filled_honeypot_stores_nothing(client):
    response = client.post("/az/muraciet/", appeal_data(website="http://spam.example"))
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_too_fast_a_form_stores_nothing_and_gets_a_fresh_timestamp(client):
    started = sign_start(time.time() - 1)
    response = client.post("/en/appeal/", appeal_data(started=started))
    assert response.status_code == 400
    assert not Appeal.objects.exists()
    assert "too quickly" in response.content.decode()
    assert response.context["form"]["started"].value() != started


@pytest.mark.parametrize(
    "started",
    ["", "123", "not-signed", "MTIz:forged:signature"],
)
def test_missing_or_forged_timestamp_stores_nothing(client, started):
    response = client.post("/az/muraciet/", appeal_data(started=started))
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_expired_form_stores_nothing(client):
    long_ago = int(time.time()) - MAX_FORM_AGE_SECONDS - 60

    class SignedLongAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(long_ago)

    started = SignedLongAgo(salt=TIMESTAMP_SALT).sign_object(long_ago)
    response = client.post("/az/muraciet/", appeal_data(started=started))
    assert response.status_code == 400
    assert not Appeal.objects.exists()
    assert "Formanın vaxtı bitib" in response.content.decode()


def test_rate_limit_per_address(client):
    for _ in range(RATE_LIMIT):
        assert (
            client.post("/az/muraciet/", appeal_data(), REMOTE_ADDR="10.0.0.1").status_code == 302
        )
    blocked = client.post("/az/muraciet/", appeal_data(), REMOTE_ADDR="10.0.0.1")
    assert blocked.status_code == 429
    assert Appeal.objects.count() == RATE_LIMIT
    # Another address is not affected.
    assert client.post("/az/muraciet/", appeal_data(), REMOTE_ADDR="10.0.0.2").status_code == 302


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "   "),
        ("email", "not-an-email"),
        ("subject", ""),
        ("message", ""),
        ("message", "x" * 5001),
    ],
)
def test_invalid_input_is_a_form_error_not_a_500(client, field, value):
    response = client.post("/az/muraciet/", appeal_data(**{field: value}))
    assert response.status_code == 400
    assert not Appeal.objects.exists()
    text = response.content.decode()
    assert 'class="form-field__error"' in text
    assert f'id="id_{field}-error"' in text
    assert 'aria-invalid="true"' in text
    assert f'aria-describedby="id_{field}-error"' in text


def test_csrf_is_enforced(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/az/muraciet/", appeal_data()).status_code == 403
    assert not Appeal.objects.exists()


def test_markup_in_an_appeal_is_shown_escaped(client):
    response = client.post("/az/muraciet/", appeal_data(email="bad", name="<script>x</script>"))
    assert "<script>x</script>" not in response.content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in response.content.decode()


def test_appeal_form_is_in_the_main_menu(client):
    text = client.get("/az/").content.decode()
    assert 'href="/az/muraciet/"' in text
    assert "Vətəndaş müraciəti" in text


def test_admin_lists_appeals_read_only(admin_client):
    Appeal.objects.create(name="Elvin", email="e@example.az", subject="Sual", message="Mətn")
    response = admin_client.get("/admin/portal/appeal/")
    assert response.status_code == 200
    assert "Sual" in response.content.decode()
    assert admin_client.get("/admin/portal/appeal/add/").status_code == 403


def test_form_page_and_sending_use_few_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/az/muraciet/")  # warm the shared fragments
    with CaptureQueriesContext(connection) as queries:
        client.get("/az/muraciet/")
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        client.post("/az/muraciet/", appeal_data())
    # The appeal, its first status, the staff's addresses (the Appeals group), and the
    # citizen's confirmation in the outbox (looked up by key, inserted): a fixed number.
    assert len(queries) <= 10
