"""Forms of the translators' workspace: board filters, the side-by-side editor, import."""

from django import forms
from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.editor import body_form_field
from translators import checks, services, state
from translators.fingerprints import fingerprint
from translators.registry import BOARD_KINDS, PHOTO

LANGUAGE_CHOICES = settings.LANGUAGES
STATE_CHOICES = [("", _("any state"))] + [(name, state.LABELS[name]) for name in state.STATES]


class BoardFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Content"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, required=False)
    state = forms.ChoiceField(label=_("State"), choices=STATE_CHOICES, required=False)
    category = forms.ModelChoiceField(
        label=_("Category"),
        # Content is known by its label (translators.registry), never by import.
        queryset=None,
        required=False,
        empty_label=_("any category"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = apps.get_model("news.Category").objects.all()
        self.fields["kind"].choices = [("", _("all content"))] + [
            (kind.key, kind.verbose_name) for kind in BOARD_KINDS.values()
        ]


def _text_field(model, name, language, *, rich=False, multiline=False):
    model_field = model._meta.get_field(f"{name}_{language}")
    label = model._meta.get_field(name).verbose_name
    if name == "slug":
        return forms.SlugField(
            label=label,
            max_length=model_field.max_length,
            required=False,
            help_text=_("Leave empty to make it from the title."),
        )
    if rich:
        # The editors' own rich-text field: same editor, same allowed markup.
        return body_form_field(label=label, required=False)
    if multiline:
        widget = forms.Textarea(attrs={"rows": 4})
    else:
        widget = forms.TextInput(attrs={"class": "vLargeTextField"})
    return forms.CharField(
        label=label,
        max_length=model_field.max_length,
        required=False,
        strip=True,
        widget=widget,
    )


class TranslationForm(forms.Form):
    """Target-language fields of one object (and its photos), nothing else.

    Field names are "<field>" and "photo-<pk>-<field>"; every outdated field also has a
    "still correct" box named "confirm-<name>". A hidden fingerprint of the original as
    shown catches an editor changing it while the translator works: such a save is
    refused and the page shows the new original (the translator's text is kept). Where
    the model has an edit version, the form also carries the version it was opened at,
    claimed when it saves (core.concurrency).
    """

    sources = forms.CharField(widget=forms.HiddenInput, required=False)
    override = forms.BooleanField(label=_("Save despite the warnings"), required=False)
    override_reason = forms.CharField(
        label=_("Why the warnings do not apply"), max_length=300, required=False, strip=True
    )

    def __init__(self, *args, kind, obj, photos, language, source_language, outdated, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.obj, self.photos, self.language = kind, obj, photos, language
        self.source_language = source_language
        self.entries = []  # (name, owner kind, owner, field name)
        for name in kind.editable:
            if name in kind.fields and state.is_blank_source(obj, name, source_language):
                continue
            self._add(name, kind, obj, name, source_language=source_language, outdated=outdated)
        for photo in photos:
            for name in PHOTO.fields:
                if state.is_blank_source(photo, name, source_language):
                    continue
                form_name = f"photo-{photo.pk}-{name}"
                self._add(
                    form_name,
                    PHOTO,
                    photo,
                    name,
                    source_language=source_language,
                    outdated=outdated,
                )
        self.initial["sources"] = self.sources_fingerprint()
        if services.has_edit_version(obj):
            self.fields["edit_version"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=0
            )
            self.initial["edit_version"] = obj.edit_version

    def _add(self, form_name, kind, owner, name, *, source_language, outdated):
        self.fields[form_name] = _text_field(
            type(owner),
            name,
            self.language,
            rich=name in kind.rich,
            multiline=name in kind.multiline,
        )
        self.initial[form_name] = state.text(owner, name, self.language)
        if form_name in outdated:
            self.fields[f"confirm-{form_name}"] = forms.BooleanField(
                label=_("Still correct"), required=False
            )
        self.entries.append((form_name, kind, owner, name))

    def sources_fingerprint(self):
        texts = [
            state.text(owner, name, self.source_language)
            for _form_name, _kind, owner, name in self.entries
        ]
        return fingerprint("\x1f".join(texts))

    def clean(self):
        cleaned = super().clean()
        current = self.sources_fingerprint()
        if cleaned.get("sources") != current:
            # The next submit compares with the original now on screen.
            self.data = self.data.copy()
            self.data["sources"] = current
            raise forms.ValidationError(
                _(
                    "The original was changed while you were translating. Check it against "
                    "your translation (your text is kept below) and save again."
                ),
                code="source_changed",
            )
        return cleaned

    def opened_version(self):
        """The edit version the form was opened at; a form posted without one (an old tab)
        counts as opened at the oldest, so it never overwrites anything unnoticed."""
        if "edit_version" not in self.fields:
            return None
        value = self.cleaned_data.get("edit_version")
        return 0 if value is None else value

    def carry_version(self, version):
        """Re-render carrying `version`: the next save is a deliberate one over it."""
        self.data = self.data.copy()
        self.data["edit_version"] = str(version)

    def findings(self, terms):
        """{form field name: [checks.Finding]} for every translated field."""
        found = {}
        for form_name, kind, owner, name in self.entries:
            if name not in kind.fields:
                continue
            result = checks.check_field(
                state.text(owner, name, self.source_language),
                self.cleaned_data.get(form_name) or "",
                rich=name in kind.rich,
                languages=(self.source_language, self.language),
                terms=terms,
            )
            if result:
                found[form_name] = result
        return found

    def values_for(self, owner):
        """({field: value}, {confirmed fields}) for one owner (the object or a photo)."""
        values, confirmed = {}, set()
        for form_name, _kind, entry_owner, name in self.entries:
            if entry_owner is not owner:
                continue
            values[name] = self.cleaned_data.get(form_name, "")
            if self.cleaned_data.get(f"confirm-{form_name}"):
                confirmed.add(name)
        return values, confirmed


class ImportForm(forms.Form):
    file = forms.FileField(label=_("XLIFF file"))
    language = forms.ChoiceField(label=_("Target language"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, name) for code, name in LANGUAGE_CHOICES if code in languages
        ]
