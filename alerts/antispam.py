"""Spam checks for public forms that need no third-party service (the appeal form and the
alerts' subscribe form).

A bot is told apart by what a person does not do: filling a field people cannot see (the
honeypot), sending the form faster than anyone can type (a signed timestamp set when the
form was shown), and sending many forms from one address (counters in the views).
"""

import re
import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 24 * 3600
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def sign_start(salt, now=None):
    return signing.dumps(int(now if now is not None else time.time()), salt=salt)


def single_line(value):
    """A field that can end up in an e-mail header: CR, LF and other control characters
    are refused, never silently sent on."""
    if value and _CONTROL.search(value):
        raise forms.ValidationError(
            _("Line breaks and control characters are not allowed here."), code="control"
        )


class SpamCheckedForm(forms.Form):
    """Mixin for a form: a honeypot `website` and a signed `started` timestamp.

    When a person left required fields empty, the timing errors are not shown: they fix
    the fields, and the form keeps a fresh timestamp."""

    timestamp_salt = "forms.started"

    # Hidden from people by CSS and from screen readers by aria-hidden; bots fill it.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now if now is not None else time.time()
        if not self.is_bound:
            self.initial["started"] = sign_start(self.timestamp_salt, self.now)

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("The appeal could not be sent."), code="honeypot")
        return ""

    def clean_started(self):
        try:
            started = signing.loads(
                self.cleaned_data["started"],
                salt=self.timestamp_salt,
                max_age=MAX_FORM_AGE_SECONDS,
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

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or self._errors is None:
            return
        others = [name for name in self._errors if name not in ("started", "website")]
        if others and "started" in self._errors:
            # A person who left fields empty is not told they were "too quick" as well.
            del self._errors["started"]
            self.restart_timestamp()
        # Screen readers announce the error with the field (see the form templates).
        for name in self.errors:
            if name in self.fields and not self.fields[name].widget.is_hidden:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-error"}
                )

    def restart_timestamp(self):
        """An expired or too-fast form is shown again with a fresh timestamp."""
        data = self.data.copy()
        data["started"] = sign_start(self.timestamp_salt, self.now)
        self.data = data
