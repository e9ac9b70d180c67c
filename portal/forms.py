"""The citizens' appeal form, with the alerts' spam checks (alerts.antispam): a honeypot,
a signed timestamp, and a per-address counter in the view (portal.appeals)."""

from functools import partial

from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.antispam import MAX_FORM_AGE_SECONDS, SpamCheckedForm, single_line
from alerts.antispam import sign_start as _sign_start
from portal.models import Appeal

TIMESTAMP_SALT = "portal.appeal.started"
sign_start = partial(_sign_start, TIMESTAMP_SALT)

__all__ = ["MAX_FORM_AGE_SECONDS", "TIMESTAMP_SALT", "AppealForm", "StatusForm", "sign_start"]


class AppealForm(SpamCheckedForm, forms.ModelForm):
    timestamp_salt = TIMESTAMP_SALT

    class Meta:
        model = Appeal
        fields = ["name", "email", "phone", "subject", "message"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "message": forms.Textarea(attrs={"rows": 8, "maxlength": 5000}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Name, subject and phone reach e-mail headers or one-line fields: no line breaks.
        for name in ("name", "email", "phone", "subject"):
            self.fields[name].validators.append(single_line)

    def clean(self):
        cleaned = super().clean()
        for name in ("name", "subject", "message"):
            if name in cleaned and not cleaned[name].strip():
                self.add_error(name, _("This field is required."))
        return cleaned


class StatusForm(forms.Form):
    """Reference plus e-mail: both are needed to see an appeal's status."""

    reference = forms.CharField(
        label=_("Reference number"),
        max_length=20,
        validators=[single_line],
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=_("E-mail address given in the appeal"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-error"}
                )
