"""Optimistic locking: a save made from a form opened before someone else's save is refused.

A model that takes part has an integer `edit_version` field. A form carries the version it
was opened at; `claim` moves the row from that version to the next in the same transaction
as the write, or raises `StaleEditError` when the row has moved on. The conditional UPDATE is
what makes two saves in the same second safe: PostgreSQL lets exactly one of them match.
"""

import logging

from django import forms
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core.diffs import word_diff

logger = logging.getLogger(__name__)


class StaleEditError(Exception):
    """The row changed after the form was opened; `current` is the row as it is now."""

    def __init__(self, current):
        super().__init__(f"{current._meta.label} {current.pk} changed since the form was opened")
        self.current = current


def claim(instance, opened_version):
    """Bump `instance`'s row from `opened_version`, or raise StaleEditError; inside atomic()."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim() must run in the transaction that writes the row")
    model = type(instance)
    updated = model._default_manager.filter(pk=instance.pk, edit_version=opened_version).update(
        edit_version=F("edit_version") + 1
    )
    if not updated:
        raise StaleEditError(model._default_manager.get(pk=instance.pk))
    instance.edit_version = int(opened_version) + 1


# --- Forms and the admin ------------------------------------------------------------------
#
# A form opened at version N carries N in a hidden field. Its clean() refuses the save when
# the row is no longer at N (the common case: the other save finished before this one was
# posted); the admin's save_model() then claims N → N+1 in the save's transaction (the race:
# both forms validated before either wrote). Either way the editor gets the conflict page:
# HTTP 409, who saved last and when, the difference between the stored text and theirs,
# and the form with everything they typed, now carrying the current version so that a
# second click on Save is a deliberate overwrite.


def _label(form, name):
    field = form.fields[name]
    label = str(field.label or name)
    language = name.rsplit("_", 1)[-1] if "_" in name else ""
    if language in ("az", "en") and f"[{language}]" not in label:
        return f"{label} [{language}]"
    return label


class EditVersionFormMixin:
    """A ModelForm part: the hidden `edit_version`, checked against the row in clean()."""

    VERSION_FIELD = "edit_version"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if self.instance.pk:
            self.fields[self.VERSION_FIELD] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=0
            )
            self.initial[self.VERSION_FIELD] = self.instance.edit_version

    def opened_version(self):
        value = (getattr(self, "cleaned_data", None) or {}).get(self.VERSION_FIELD)
        # A form posted without the field (an old tab, a script) was opened at an unknown
        # version: it must not overwrite anything, so it counts as the oldest.
        return 0 if value is None else value

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.VERSION_FIELD in self.fields:
            opened = self.opened_version()
            current = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
            if current is not None and current.edit_version != opened:
                self.mark_conflict(current, cleaned)
                self.add_error(
                    None,
                    _(
                        "Someone else saved this page after you opened it. Your changes "
                        "were not saved; they are kept in the form below. Compare them "
                        "with the stored text, then save again to replace it."
                    ),
                )
        return cleaned

    def mark_conflict(self, current, cleaned):
        """Remember the row as it is now; the form re-renders carrying its version.

        Where the other save changed a text this editor left as it was when they opened
        the form, the form takes the other save's text, so saving again keeps both
        changes; where both changed a text, theirs stays in the form and the page shows
        the difference.
        """
        data = self.data.copy()
        data[self.add_prefix(self.VERSION_FIELD)] = str(current.edit_version)
        opened = version_data(current, self.opened_version())
        rows = []
        for name in self.fields:
            if name == self.VERSION_FIELD or not hasattr(current, name):
                continue
            stored = getattr(current, name)
            posted = cleaned.get(name, stored)
            if not isinstance(stored, (str, type(None))) or not isinstance(
                posted, (str, type(None))
            ):
                continue
            stored, posted = stored or "", posted or ""
            if stored == posted:
                continue
            base = (opened or {}).get(name)
            taken = base is not None and (base or "") == posted
            if taken:
                data[self.add_prefix(name)] = stored
            rows.append(
                {
                    "field": _label(self, name),
                    "taken": taken,
                    "stored": stored,
                    "posted": posted,
                    "diff": word_diff(base if taken else stored, stored if taken else posted),
                }
            )
        self.data = data
        self.conflict = {"current": current, "rows": rows}


def version_data(instance, edit_version, look_back=20):
    """The fields of `instance` as saved at `edit_version`, from django-reversion, or None."""
    # Imported here: models may import this module while the app registry is loading.
    from reversion.models import Version  # noqa: PLC0415

    for version in Version.objects.get_for_object(instance)[:look_back]:
        try:
            fields = version.field_dict
        except Exception:  # a version this model can no longer read is no help here
            logger.info("skipped an unreadable version %s", version.pk)
            continue
        if fields.get("edit_version") == edit_version:
            return fields
    return None


class EditVersionAdminMixin:
    """A ModelAdmin part: claim the version in save_model, answer a conflict with HTTP 409.

    The form must include EditVersionFormMixin; the change form template must include
    `admin/edit_conflict.html` (admin/edit_version_change_form.html does).
    """

    change_form_template = "admin/edit_version_change_form.html"

    def save_model(self, request, obj, form, change):
        if change and hasattr(form, "opened_version"):
            claim(obj, form.opened_version())
        elif change:
            # A form that carries no version (the list's editable columns): the save still
            # makes every open form stale.
            obj.edit_version += 1
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEditError:
            # Both forms were valid before either wrote, and the other one won. Everything
            # of this save was rolled back; the same POST validates again, now against the
            # new version, and gets the conflict page.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, *args, **kwargs):
        form = context.get("adminform").form if context.get("adminform") else None
        conflict = getattr(form, "conflict", None)
        if conflict:
            context["edit_conflict"] = {**conflict, "last": last_revision(conflict["current"])}
        response = super().render_change_form(request, context, *args, **kwargs)
        if conflict:
            response.status_code = 409
        return response


def last_revision(instance):
    """Who saved `instance` last and when, with their comment (django-reversion), or None."""
    # Imported here: models may import this module while the app registry is loading.
    from reversion.models import Version  # noqa: PLC0415

    version = Version.objects.get_for_object(instance).select_related("revision__user").first()
    return version.revision if version else None
