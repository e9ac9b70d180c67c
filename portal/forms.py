"""The citizens' appeal form, with spam checks that need no third-party service.

A bot is told apart by three things a person does not do: filling a field people
cannot see (the honeypot), sending the form faster than anyone can type (a signed
timestamp set when the form was shown), and sending many appeals from one address
(a per-address counter in the cache, see portal.appeals).
"""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from portal.models import Appeal

TIMESTAMP_SALT = "portal.appeal.started"
MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 24 * 3600


def sign_start(now=None):
    return signing.dumps(int(now if now is not None else time.time()), salt=TIMESTAMP_SALT)


class AppealForm(forms.ModelForm):
    # Hidden from people by CSS and from screen readers by aria-hidden; bots fill it.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = Appeal
        fields = ["name", "email", "phone", "subject", "message"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "message": forms.Textarea(attrs={"rows": 8, "maxlength": 5000}),
        }

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now if now is not None else time.time()
        if not self.is_bound:
            self.initial["started"] = sign_start(self.now)

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("The appeal could not be sent."), code="honeypot")
        return ""

    def clean_started(self):
        try:
            started = signing.loads(
                self.cleaned_data["started"], salt=TIMESTAMP_SALT, max_age=MAX_FORM_AGE_SECONDS
            )
        except signing.BadSignature as error:
            raise forms.ValidationError(
                _("The form has expired. Please check your text and send it again."),
                code="expired",
            ) from error
        if self.now - int(started) < MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("The form was sent too quickly. Please check your text and send it again."),
                code="too_fast",
            )
        return started

    def clean(self):
        cleaned = super().clean()
        for name in ("name", "subject", "message"):
            if name in cleaned and not cleaned[name].strip():
                self.add_error(name, _("This field is required."))
        return cleaned

    def full_clean(self):
        super().full_clean()
        # Screen readers announce the error with the field (see appeal_form.html).
        for name in self.errors:
            if name in self.fields and not self.fields[name].widget.is_hidden:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-error"}
                )

    def restart_timestamp(self):
        """An expired or too-fast form is shown again with a fresh timestamp."""
        data = self.data.copy()
        data["started"] = sign_start(self.now)
        self.data = data
