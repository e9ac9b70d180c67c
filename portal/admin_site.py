"""The admin site's own parts: the login form, and the staff user's language switch.

The login form checks the username's length on the server.

Django's AuthenticationForm limits the username to the user model's length (150) only in
the browser (`maxlength`). A longer one went on to `authenticate()`, and django-axes could
not store the failed attempt (its column holds 255 characters): the login answered 500.
Here an overlong username is a form error, and `authenticate()`, so axes too, never sees
it. portal/admin.py gives this form to the admin site.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.decorators.http import require_POST

from portal.middleware import ADMIN_LANGUAGE_SESSION_KEY, ADMIN_LANGUAGES, ADMIN_PREFIX
from portal.models import StaffPreference


class AdminLoginForm(AdminAuthenticationForm):
    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        # AuthenticationForm set max_length from the model, after the field was built:
        # it added no validator of its own.
        username.validators.append(
            MaxLengthValidator(
                username.max_length,
                message=_("The username is too long: at most %(limit_value)d characters."),
            )
        )


@require_POST
def set_admin_language(request):
    """The admin's own language switch: saved for the staff user, used on every admin page.

    Wrapped in `admin.site.admin_view` by portal/urls.py, so only signed-in staff reach it.
    """
    code = request.POST.get("language", "")
    if code in ADMIN_LANGUAGES:
        StaffPreference.objects.update_or_create(
            user=request.user, defaults={"admin_language": code}
        )
        request.session[ADMIN_LANGUAGE_SESSION_KEY] = code
    target = request.POST.get("next", "")
    if not (
        target.startswith(ADMIN_PREFIX)
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        target = reverse("admin:index")
    return HttpResponseRedirect(target)


def permission_denied(request, exception=None):
    """403: inside the admin, an admin page in the staff user's language; elsewhere Django's."""
    if request.path.startswith(ADMIN_PREFIX) and getattr(request, "user", None):
        context = {**admin.site.each_context(request), "title": _("Access denied")}
        return render(request, "admin/403.html", context, status=403)
    return defaults.permission_denied(request, exception)
