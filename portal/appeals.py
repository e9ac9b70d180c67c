"""The citizens' appeal form: show it, store an appeal, confirm with its reference.

Never page-cached (it carries a CSRF token and a fresh timestamp). The confirmation
URL carries the reference signed, so it shows the sender's own number without a
session and without letting anyone list other people's appeals.
"""

from django.core import signing
from django.core.cache import cache
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core.i18n import current_language
from core.seo import alternates_for
from portal.client_ip import client_ip
from portal.forms import AppealForm
from portal.middleware import limit_request_body

RATE_LIMIT = 5  # appeals per address
# The largest body the form is sent in: its fields at their longest (5 000 characters of
# message and about 900 of the rest), each character 4 bytes of UTF-8 percent-encoded to
# 12, come to about 71 KB. A bigger body is refused with 413 before anything reads it.
MAX_BODY_BYTES = 128 * 1024
RATE_WINDOW = 3600  # seconds
SENT_SALT = "portal.appeal.sent"
SENT_MAX_AGE = 24 * 3600


def _rate_key(request):
    return f"appeal-rate:{client_ip(request)}"


def _over_limit(request):
    try:
        return (cache.get(_rate_key(request)) or 0) >= RATE_LIMIT
    except Exception:  # a cache outage must not stop citizens writing to us
        return False


def _count_sent(request):
    key = _rate_key(request)
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
            appeal = form.save(commit=False)
            appeal.language = current_language()
            appeal.save()
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
        {"form": form, "alternates": alternates_for(lambda lang: _url_in(lang, "portal:appeal"))},
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
