"""The citizens' appeal form: show it, store an appeal, confirm with its reference; the
status page; status changes told to the citizen; old appeals anonymised.

Never page-cached (it carries a CSRF token and a fresh timestamp). The confirmation
URL carries the reference signed, so it shows the sender's own number without a
session and without letting anyone list other people's appeals. The status page needs
the reference and the e-mail address together, and answers the same "not found" for a
wrong address as for a reference that does not exist.

E-mail (alerts.mail, sent by the workers after the transaction commits): the citizen's
confirmation in the form's language, the appeal's text to the staff (APPEALS_NOTIFY, or
the users of the "Appeals" group), and a message at each status change.
"""

import hmac
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from alerts import mail, outbox
from core.i18n import current_language
from core.seo import alternates_for
from portal.client_ip import client_ip
from portal.forms import AppealForm, StatusForm
from portal.middleware import limit_request_body
from portal.models import Appeal, AppealStatusChange

RATE_LIMIT = 5  # appeals per address
# The largest body the form is sent in: its fields at their longest (5 000 characters of
# message and about 900 of the rest), each character 4 bytes of UTF-8 percent-encoded to
# 12, come to about 71 KB. A bigger body is refused with 413 before anything reads it.
MAX_BODY_BYTES = 128 * 1024
RATE_WINDOW = 3600  # seconds
SENT_SALT = "portal.appeal.sent"
SENT_MAX_AGE = 24 * 3600
STATUS_SALT = "portal.appeal.status"
STATUS_LINK_MAX_AGE = 365 * 24 * 3600
STATUS_LOOKUPS = 10  # status look-ups per client an hour: references cannot be guessed
STAFF_GROUP = "Appeals"


def _rate_key(request, what="appeal-rate"):
    return f"{what}:{client_ip(request)}"


def _over_limit(request, what="appeal-rate", limit=RATE_LIMIT):
    try:
        return (cache.get(_rate_key(request, what)) or 0) >= limit
    except Exception:  # a cache outage must not stop citizens writing to us
        return False


def _count_sent(request, what="appeal-rate"):
    key = _rate_key(request, what)
    try:
        if not cache.add(key, 1, timeout=RATE_WINDOW):
            cache.incr(key)
    except Exception:
        return


def _url_in(language, name):
    with override(language):
        return reverse(name)


@limit_request_body(MAX_BODY_BYTES)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def appeal(request):
    status = 200
    if request.method == "POST":
        form = AppealForm(request.POST)
        if _over_limit(request):
            form.is_valid()
            form.add_error(
                None, _("Too many appeals were sent from your network. Please try again later.")
            )
            status = 429
        elif form.is_valid():
            appeal = receive(form, current_language())
            _count_sent(request)
            token = signing.dumps(appeal.reference, salt=SENT_SALT)
            return HttpResponseRedirect(
                f"{reverse('portal:appeal_sent')}?{urlencode({'ref': token})}"
            )
        else:
            status = 400
        if "started" in form.errors:
            form.restart_timestamp()
    else:
        form = AppealForm()
    return render(
        request,
        "portal/appeal_form.html",
        {
            "form": form,
            "retention_years": max(1, settings.APPEAL_RETENTION_DAYS // 365),
            "alternates": alternates_for(lambda lang: _url_in(lang, "portal:appeal")),
        },
        status=status,
    )


@never_cache
@require_safe
def appeal_sent(request):
    try:
        reference = signing.loads(request.GET.get("ref", ""), salt=SENT_SALT, max_age=SENT_MAX_AGE)
    except signing.BadSignature as error:
        raise Http404("No such appeal") from error
    return render(
        request,
        "portal/appeal_sent.html",
        {
            "reference": reference,
            "alternates": alternates_for(lambda lang: _url_in(lang, "portal:appeal")),
        },
    )


# --- the appeal's life: received, status changes, retention -------------------------------


def status_link(appeal, language):
    """A link to the appeal's status page that needs no typing: it carries the reference
    and the address, signed."""
    token = signing.dumps({"r": appeal.reference, "e": appeal.email}, salt=STATUS_SALT)
    with override(language):
        path = reverse("portal:appeal_status")
    return mail.site_url(f"{path}?{urlencode({'t': token})}")


@transaction.atomic
def receive(form, language):
    """Store the appeal, its first status, and the e-mail to the citizen and to the staff."""
    appeal = form.save(commit=False)
    appeal.language = language
    appeal.save()
    AppealStatusChange.objects.create(appeal=appeal, status=appeal.status)
    context = {
        "appeal": appeal,
        "status_url": status_link(appeal, language),
    }
    outbox.queue(
        "appeal_received",
        appeal.email,
        context,
        key=f"appeal:{appeal.reference}:received",
        languages=[language],
    )
    staff_context = {**context, "admin_url": mail.site_url(_admin_path(appeal))}
    for address in staff_addresses():
        outbox.queue(
            "appeal_staff",
            address,
            staff_context,
            key=f"appeal:{appeal.reference}:staff:{address}",
            languages=["az"],
            headers={"Reply-To": appeal.email},
        )
    return appeal


def _admin_path(appeal):
    return reverse("admin:portal_appeal_change", args=[appeal.pk])


def staff_addresses():
    """APPEALS_NOTIFY, or else the active users of the "Appeals" group who have an address."""
    if settings.APPEALS_NOTIFY:
        return list(dict.fromkeys(settings.APPEALS_NOTIFY))
    users = get_user_model().objects.filter(groups__name=STAFF_GROUP, is_active=True)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


@transaction.atomic
def change_status(appeal, status):
    """Move the appeal to `status` (from the admin), record when, and tell the citizen."""
    locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if locked.status == status:
        return False
    appeal.status = status
    appeal.save()
    change = AppealStatusChange.objects.create(appeal=appeal, status=status)
    if appeal.anonymised_at is None and appeal.email:
        outbox.queue(
            "appeal_status",
            appeal.email,
            {"appeal": appeal, "status_url": status_link(appeal, appeal.language)},
            key=f"appeal:{appeal.reference}:status:{change.pk}",
            languages=[appeal.language if appeal.language in ("az", "en") else "az"],
        )
    return True


def anonymise_before(cutoff):
    """Erase the personal data of appeals received before `cutoff`; returns how many."""
    return Appeal.objects.filter(created_at__lt=cutoff, anonymised_at__isnull=True).update(
        name="",
        email="",
        phone="",
        subject="",
        message="",
        anonymised_at=timezone.now(),
    )


@shared_task(acks_late=True)
def anonymise_old_appeals():
    """Beat runs this nightly: appeals older than APPEAL_RETENTION_DAYS lose their personal
    data; the reference, dates and statuses remain for the statistics."""
    return anonymise_before(timezone.now() - timedelta(days=settings.APPEAL_RETENTION_DAYS))


# --- the status page ---------------------------------------------------------------------


def find_appeal(reference, email):
    """The appeal with this reference AND this address, or None: a wrong address and an
    unknown reference look the same."""
    appeal = (
        Appeal.objects.filter(reference=reference, anonymised_at__isnull=True)
        .filter(Q(email__iexact=email))
        .first()
    )
    if appeal is None:
        return None
    if not hmac.compare_digest(appeal.email.lower(), email.lower()):
        return None
    return appeal


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def appeal_status(request):
    status = 200
    appeal = None
    not_found = False
    form = StatusForm()
    if request.method == "POST" or request.GET.get("t"):
        if _over_limit(request, "appeal-status", STATUS_LOOKUPS):
            form = StatusForm(request.POST or None)
            form.is_valid()
            form.add_error(None, _("Too many look-ups from your network. Please try again later."))
            status = 429
        else:
            _count_sent(request, "appeal-status")
            appeal, form, not_found = _look_up(request)
            status = 200 if appeal or not (form.errors or not_found) else 400
    return render(
        request,
        "portal/appeal_status.html",
        {
            "form": form,
            "appeal": appeal,
            "changes": list(appeal.status_changes.all()) if appeal else [],
            "not_found": not_found,
            "alternates": alternates_for(lambda lang: _url_in(lang, "portal:appeal_status")),
        },
        status=status,
    )


def _look_up(request):
    if request.method == "POST":
        form = StatusForm(request.POST)
        if not form.is_valid():
            return None, form, False
        reference, email = form.cleaned_data["reference"], form.cleaned_data["email"]
    else:
        form = StatusForm()
        try:
            data = signing.loads(
                request.GET.get("t", "")[:1000], salt=STATUS_SALT, max_age=STATUS_LINK_MAX_AGE
            )
            reference, email = str(data["r"]), str(data["e"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return None, form, True
    appeal = find_appeal(reference, email)
    return appeal, form, appeal is None
