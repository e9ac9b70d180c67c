"""Appeals reach people: the citizen's confirmation in the form's language, the staff's
copy, the status page (reference and address together), status changes told to the
citizen, and old appeals anonymised. In-process jobs, Django's test outbox."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from alerts.models import OutgoingMessage
from portal import appeals
from portal.forms import sign_start
from portal.models import Appeal
from tests.factories import appeal_data, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Post the appeal form and run the jobs its transaction queued, as `make run` does."""

    def post(client, path, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data)

    return post


def test_the_citizen_gets_a_confirmation_in_azerbaijani(client, send):
    response = send(client, "/az/muraciet/", appeal_data())
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    [message] = [m for m in mail.outbox if m.to == ["aysel@example.az"]]
    assert appeal.reference in message.subject
    assert "müraciətiniz" in message.subject.lower()
    assert appeal.reference in message.body
    html = message.alternatives[0][0]
    assert 'lang="az"' in html
    assert "Qaçqınların və Məcburi Köçkünlərin" in message.body or "Komitə" in message.body
    assert "Your appeal" not in message.body


def test_the_citizen_gets_a_confirmation_in_english(client, send):
    send(client, "/en/appeal/", appeal_data())
    appeal = Appeal.objects.get()
    [message] = [m for m in mail.outbox if m.to == ["aysel@example.az"]]
    assert f"Your appeal {appeal.reference} has been received" == message.subject
    assert "State Committee" in message.body
    assert 'lang="en"' in message.alternatives[0][0]


def test_staff_get_the_appeals_text_from_the_setting_list(client, send, settings):
    settings.APPEALS_NOTIFY = ["qebul@example.gov.az", "rehber@example.gov.az"]
    send(client, "/en/appeal/", appeal_data())
    staff = [m for m in mail.outbox if m.to != ["aysel@example.az"]]
    assert sorted(m.to[0] for m in staff) == ["qebul@example.gov.az", "rehber@example.gov.az"]
    assert "mənzil növbəsi barədə məlumat" in staff[0].body
    assert (
        staff[0].reply_to == ["aysel@example.az"]
        or staff[0].extra_headers.get("Reply-To") == "aysel@example.az"
    )


def test_without_a_list_the_appeals_group_hears_of_it(client, send, settings):
    settings.APPEALS_NOTIFY = []
    staff_user("qebul", "Appeals")
    staff_user("other")  # not in the group
    send(client, "/az/muraciet/", appeal_data())
    staff = [m.to[0] for m in mail.outbox if m.to != ["aysel@example.az"]]
    assert staff == ["qebul@example.gov.az"]
    assert Group.objects.filter(name="Appeals").exists()


@pytest.mark.parametrize("field", ["name", "subject", "phone"])
def test_a_line_break_in_a_header_field_is_a_form_error_and_sends_nothing(client, send, field):
    response = send(client, "/en/appeal/", appeal_data(**{field: "Ali\r\nBcc: victim@example.com"}))
    assert response.status_code == 400
    assert f'id="id_{field}-error"' in response.content.decode()
    assert not Appeal.objects.exists()
    assert mail.outbox == []


def test_the_status_page_needs_the_reference_and_the_address(client, send):
    send(client, "/en/appeal/", appeal_data())
    appeal = Appeal.objects.get()
    page = client.post(
        "/en/appeal/status/", {"reference": appeal.reference.lower(), "email": "AYSEL@example.az"}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Received" in text
    assert appeal.reference in text
    assert "mənzil növbəsi barədə" not in text  # never the appeal's text
    assert "Mənzil növbəsi" not in text


def test_a_wrong_address_and_an_unknown_reference_look_the_same(client, send):
    send(client, "/en/appeal/", appeal_data())
    appeal = Appeal.objects.get()
    wrong_address = client.post(
        "/en/appeal/status/", {"reference": appeal.reference, "email": "other@example.az"}
    )
    unknown = client.post(
        "/en/appeal/status/", {"reference": "M-00000000", "email": "other@example.az"}
    )
    assert wrong_address.status_code == unknown.status_code == 400

    def main(response):
        # The token and the reference typed in differ; nothing else may.
        return re.sub(r' value="[^"]*"', "", response.content.decode())

    assert main(wrong_address) == main(unknown)
    assert "Received" not in main(wrong_address)


def test_the_link_in_the_confirmation_opens_the_status_page(client, send):
    send(client, "/az/muraciet/", appeal_data())
    [message] = [m for m in mail.outbox if m.to == ["aysel@example.az"]]
    link = re.search(r"https?://testserver(/az/muraciet/status/\?t=\S+)", message.body)
    page = client.get(link.group(1))
    assert page.status_code == 200
    assert "Qəbul edilib" in page.content.decode()


def test_a_forged_status_link_is_a_clear_page(client):
    response = client.get("/en/appeal/status/?t=forged:token")
    assert response.status_code == 400
    assert "No appeal matches" in response.content.decode()


def test_a_status_change_in_the_admin_is_told_to_the_citizen(
    client, admin_client, send, django_capture_on_commit_callbacks
):
    send(client, "/en/appeal/", appeal_data())
    appeal = Appeal.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/portal/appeal/{appeal.pk}/change/", {"status": "in_progress"}
        )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["aysel@example.az"]
    assert message.subject == f"Appeal {appeal.reference}: In progress"
    page = client.post("/en/appeal/status/", {"reference": appeal.reference, "email": appeal.email})
    text = page.content.decode()
    assert "Received" in text
    assert "In progress" in text
    # Saving again without a change tells nobody anything.
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/admin/portal/appeal/{appeal.pk}/change/", {"status": "in_progress"})
    assert len(mail.outbox) == 1


def test_old_appeals_are_anonymised_and_their_status_page_is_gone(client, send, settings):
    send(client, "/en/appeal/", appeal_data())
    appeal = Appeal.objects.get()
    Appeal.objects.filter(pk=appeal.pk).update(
        created_at=timezone.now() - timedelta(days=settings.APPEAL_RETENTION_DAYS + 1)
    )
    assert appeals.anonymise_old_appeals() == 1
    appeal.refresh_from_db()
    assert (appeal.name, appeal.email, appeal.subject, appeal.message) == ("", "", "", "")
    assert appeal.reference.startswith("M-")
    assert appeal.status_changes.count() == 1
    assert appeals.anonymise_old_appeals() == 0
    page = client.post(
        "/en/appeal/status/", {"reference": appeal.reference, "email": "aysel@example.az"}
    )
    assert "No appeal matches" in page.content.decode()


def test_every_message_is_in_the_outbox_once(client, send):
    send(client, "/en/appeal/", appeal_data())
    assert OutgoingMessage.objects.filter(status="sent").count() == len(mail.outbox) >= 1


def test_timing_errors_are_hidden_while_required_fields_are_empty(client, send):
    response = send(client, "/en/appeal/", appeal_data(name="", started=sign_start(time.time())))
    text = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_name-error"' in text
    assert "too quickly" not in text
    assert mail.outbox == []


def test_the_form_states_what_the_personal_data_is_for(client):
    text = client.get("/en/appeal/").content.decode()
    assert "processes the personal data in it to answer you" in text
    assert "şəxsi məlumatları emal etməsinə razılıq" in client.get("/az/muraciet/").content.decode()
