"""Readers' alert pages: subscribe, confirm, manage, unsubscribe; the staff's switch for
the newsroom's e-mail. Thin: the rules are in alerts.subscriptions.

Every answer about an address is the same whether it is known or not. Signed links that
are forged, expired or from an earlier subscription get a page that says so, never a 500.
"""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from alerts import subscriptions, tokens
from alerts.forms import ManageForm, NewsroomMailForm, SubscribeForm
from alerts.models import NewsroomMailPreference
from core.caching import query_params

# Subscribe requests a client may send in an hour (per address: alerts.subscriptions).
PER_CLIENT_PER_HOUR = 10
MAX_BODY_BYTES = 64 * 1024


@functools.cache
def _client_ip_function():
    # The project's one reading of the client's address (proxies it trusts, and only them).
    return import_string(settings.AXES_CLIENT_IP_CALLABLE)


def _rate_key(request):
    return f"alerts-rate:{_client_ip_function()(request)}"


def _over_limit(request):
    try:
        return (cache.get(_rate_key(request)) or 0) >= PER_CLIENT_PER_HOUR
    except Exception:  # a cache outage must not stop readers subscribing
        return False


def _count(request):
    key = _rate_key(request)
    try:
        if not cache.add(key, 1, timeout=3600):
            cache.incr(key)
    except Exception:
        return


def _limit_body(max_bytes):
    """The same declaration as portal.middleware.limit_request_body: the middleware refuses
    a bigger body with 413 before anything reads it."""

    def decorator(view):
        view.max_request_body = max_bytes
        return view

    return decorator


def _link_problem(request, error, status=400):
    """The page for a link that cannot be used: what happened and what to do."""
    if isinstance(error, tokens.StaleLinkError):
        reason = "stale"
    elif isinstance(error, tokens.ExpiredLinkError):
        reason = "expired"
    else:
        reason = "invalid"
    return render(request, "alerts/link_problem.html", {"reason": reason}, status=status)


# The "follow" links of section and topic pages name one (SubscribeForm.prefilled); the
# page is never cached, and any other parameter is redirected away.
@query_params("section", "topic")
@_limit_body(MAX_BODY_BYTES)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    status = 200
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if _over_limit(request):
            form.is_valid()
            form.add_error(None, _("Too many requests from your network. Please try again later."))
            status = 429
        elif form.is_valid():
            _count(request)
            subscriptions.ask(
                form.cleaned_data["email"], subscriptions.choices_of(form.cleaned_data)
            )
            return HttpResponseRedirect(reverse("alerts:subscribe_sent"))
        else:
            status = 400
        if "started" in form.errors:
            form.restart_timestamp()
    else:
        form = SubscribeForm.prefilled(request.GET)
    return render(request, "alerts/subscribe.html", {"form": form}, status=status)


@never_cache
@require_safe
def subscribe_sent(request):
    return render(request, "alerts/subscribe_sent.html")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    try:
        subscriber, data = tokens.read(tokens.CONFIRM, token)
    except tokens.InvalidLinkError as error:
        return _link_problem(request, error)
    if request.method != "POST":
        # Mail scanners open links: confirming takes a press of the button.
        return render(request, "alerts/confirm.html", {"token": token})
    subscriber = subscriptions.confirm(subscriber, data.get("c") or {})
    manage = tokens.make(tokens.MANAGE, subscriber)
    return render(
        request,
        "alerts/confirmed.html",
        {"manage_url": reverse("alerts:manage", kwargs={"token": manage})},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    try:
        subscriber, _data = tokens.read(tokens.MANAGE, token)
    except tokens.InvalidLinkError as error:
        return _link_problem(request, error)
    if subscriber.confirmed_at is None or subscriber.unsubscribed_at is not None:
        return _link_problem(request, tokens.StaleLinkError(subscriber))
    status = 200
    saved = False
    if request.method == "POST":
        form = ManageForm.for_subscriber(subscriber, request.POST)
        if form.is_valid():
            subscriptions.apply_choices(subscriber, subscriptions.choices_of(form.cleaned_data))
            saved = True
        else:
            status = 400
    else:
        form = ManageForm.for_subscriber(subscriber)
    unsubscribe_token = tokens.make(tokens.UNSUBSCRIBE, subscriber)
    return render(
        request,
        "alerts/manage.html",
        {
            "form": form,
            "saved": saved,
            "email": subscriber.email,
            "unsubscribe_url": reverse("alerts:unsubscribe", kwargs={"token": unsubscribe_token}),
        },
        status=status,
    )


# A mail client's one-click unsubscribe (RFC 8058) posts without a CSRF token or cookie;
# the signed link is what authorises it.
@csrf_exempt
@_limit_body(4 * 1024)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    try:
        subscriber, data = tokens.read(tokens.UNSUBSCRIBE, token, check_generation=False)
    except tokens.InvalidLinkError as error:
        return _link_problem(request, error)
    if data.get("g") != subscriber.generation and subscriber.unsubscribed_at is None:
        # From a subscription that ended; the address has subscribed again since.
        return _link_problem(request, tokens.StaleLinkError(subscriber))
    if request.method != "POST":
        return render(
            request,
            "alerts/unsubscribe.html",
            {"token": token, "already": subscriber.unsubscribed_at is not None},
        )
    left = subscriptions.unsubscribe(subscriber)
    return render(request, "alerts/unsubscribed.html", {"already": not left})


@staff_member_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def newsroom_mail(request):
    """A staff user's own switch for the newsroom's e-mail."""
    preference, _created = NewsroomMailPreference.objects.get_or_create(user=request.user)
    # An unticked box posts nothing: an empty POST is still a submission.
    data = request.POST if request.method == "POST" else None
    form = NewsroomMailForm(data, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your choice was saved."))
        return HttpResponseRedirect(request.path)
    return render(
        request,
        "alerts/newsroom_mail.html",
        {"form": form, "title": _("Newsroom e-mail")},
    )
