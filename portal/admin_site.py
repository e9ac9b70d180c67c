"""The admin's login form, with the username's length checked on the server.

Django's AuthenticationForm limits the username to the user model's length (150) only in
the browser (`maxlength`). A longer one went on to `authenticate()`, and django-axes could
not store the failed attempt (its column holds 255 characters): the login answered 500.
Here an overlong username is a form error, and `authenticate()`, so axes too, never sees
it. portal/admin.py gives this form to the admin site.
"""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


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
