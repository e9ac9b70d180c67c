"""Admin forms of the newsroom: photo uploads checked by content, workflow-aware status, slugs."""

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.concurrency import EditVersionFormMixin
from core.text import slugify_az
from news.models import LANGUAGE_CODES, Article, ArticlePhoto
from news.newsroom import images, library, pending, workflow

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"


class PendingToken(str):
    """The signed name of an upload kept after a failed save (news.newsroom.pending)."""


class PendingImageInput(AdminFileWidget):
    """A file input that, after a failed save, shows the kept upload and carries its token.

    The admin sets `pending` (the token) and `pending_url` (its preview) before rendering.
    """

    pending = None
    pending_url = ""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        token = data.get(f"{name}{pending.SUFFIX}")
        if value is None and token:
            return PendingToken(token)
        return value

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        if not self.pending:
            return field
        return format_html(
            '<div class="newsroom-pending"><img class="newsroom-thumb" src="{}" alt="">'
            '<span class="newsroom-pending__text">{}</span>'
            '<input type="hidden" name="{}" value="{}"></div>{}',
            self.pending_url,
            _("Chosen photo, kept after the failed save. Choose a file only to replace it."),
            f"{name}{pending.SUFFIX}",
            self.pending,
            field,
        )


class ImageUploadField(forms.ImageField):
    """An image field that judges the bytes, not the name, and stores a clean re-encoding."""

    default_error_messages = {
        "invalid_image": _("This file is not a JPEG, PNG or WebP image."),
        "pending_gone": _("The photo chosen before is no longer kept; choose the file again."),
    }

    def __init__(self, *args, **kwargs):
        # Always ours, also where the admin would give its AdminFileWidget: the kept
        # upload of a failed save is shown and carried by this widget.
        kwargs["widget"] = PendingImageInput(attrs={"accept": IMAGE_ACCEPT})
        kwargs.setdefault(
            "help_text",
            _(
                "JPEG, PNG or WebP, at most 10 MB and 40 megapixels (WebP 20 megapixels). "
                "Location data is removed."
            ),
        )
        super().__init__(*args, **kwargs)

    def to_python(self, data):
        if isinstance(data, PendingToken):
            # Checked and re-encoded when it was first uploaded.
            kept = pending.load(data)
            if kept is None:
                raise ValidationError(self.error_messages["pending_gone"], code="pending_gone")
            return kept
        # Skip forms.ImageField's own check: it decodes the whole image before any limit.
        upload = forms.FileField.to_python(self, data)
        if upload is None or not isinstance(upload, UploadedFile):
            return upload
        return images.clean_upload(upload)


class WorkflowStatusMixin:
    """Limits the status choices to what the user may do from the article's current state."""

    user = None

    def setup_status(self):
        if "status" not in self.fields:
            return
        current = self.instance.status if self.instance.pk else None
        allowed = workflow.allowed_statuses(self.user, current)
        field = self.fields["status"]
        field.choices = [
            (value, label) for value, label in Article.Status.choices if value in allowed
        ]
        if not workflow.can_publish(self.user):
            field.help_text = _("Authors submit articles for review; an editor publishes them.")
        else:
            field.help_text = _(
                "Published with a future publication time means scheduled: "
                "readers see the article from that time on."
            )

    def clean_status(self):
        status = self.cleaned_data["status"]
        current = self.instance.status if self.instance.pk else None
        try:
            workflow.check_transition(self.user, current, status)
        except PermissionDenied as error:
            raise ValidationError(str(error)) from error
        return status


class ArticleAdminForm(EditVersionFormMixin, WorkflowStatusMixin, forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            *(
                f"{field}_{code}"
                for field in ("title", "slug", "lead", "body", "photo_alt", "change_note")
                for code in LANGUAGE_CODES
            ),
            *(f"withdrawn_reason_{code}" for code in LANGUAGE_CODES),
            "category",
            "tags",
            "source_language",
            "status",
            "published_at",
            "library_photo",
            "photo",
            *(
                f"photo_{field}_{code}"
                for field in ("caption", "credit")
                for code in LANGUAGE_CODES
            ),
        ]
        field_classes = {"photo": ImageUploadField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_status()
        key = self.add_prefix("library_photo")
        if self.is_bound and not str(self.data.get(key, "")).isdigit():
            # As on a gallery row: the autocomplete widget would look a posted value that
            # is no number up as an id when the form is shown again, a 500.
            self.data = self.data.copy()
            self.data[key] = ""
        if "library_photo" in self.fields:
            self.fields["library_photo"].help_text = _(
                "Choose the main photo from the library, or upload a new one below "
                "(it joins the library)."
            )

    def clean(self):
        cleaned = super().clean()
        self._clean_slugs(cleaned)
        self._clean_library_photo(cleaned)
        photo = cleaned.get("photo") or cleaned.get("library_photo")
        if photo and not any(
            (cleaned.get(f"photo_alt_{code}") or "").strip() for code in LANGUAGE_CODES
        ):
            self.add_error(
                f"photo_alt_{LANGUAGE_CODES[0]}",
                _("Describe the photo for readers who cannot see it (in at least one language)."),
            )
        return cleaned

    def _clean_library_photo(self, cleaned):
        """A main photo chosen from the library is its file; an upload is a new one."""
        if "library_photo" not in self.fields:
            return
        source, upload = cleaned.get("library_photo"), cleaned.get("photo")
        new_upload = isinstance(upload, ContentFile)
        if source and not new_upload and source.image.name != (self.instance.photo.name or ""):
            library.show_main(self.instance, source)
            cleaned.update(library.texts_for(source, cleaned, prefix="photo_"))
            cleaned["photo"] = None  # the instance names the library file already
        elif new_upload or upload is False:
            cleaned["library_photo"] = None  # a new file is a new library photo; none is none
        elif not source and self.instance.library_photo_id:
            # The main photo still is that library photo's file: the link stays, so the
            # library photo cannot be deleted from under the article.
            cleaned["library_photo"] = self.instance.library_photo

    def _clean_slugs(self, cleaned):
        """Slugs are unique per language: a typed duplicate is an error, a made one gets -2, -3."""
        others = (
            Article.objects.exclude(pk=self.instance.pk) if self.instance.pk else Article.objects
        )
        self.derived_slugs = {}
        for code in LANGUAGE_CODES:
            name = f"slug_{code}"
            # An Author's form has no slug: an article without one still gets one.
            kept = getattr(self.instance, name, "") or not (cleaned.get(f"title_{code}") or "")
            if name not in self.fields and kept:
                continue
            slug = (cleaned.get(name) or "").strip() if name in self.fields else ""
            if slug:
                if others.filter(**{name: slug}).exists():
                    self.add_error(
                        name, _("Another article already uses this address; choose another.")
                    )
                continue
            title = (cleaned.get(f"title_{code}") or "").strip()
            if not title:
                continue
            base = slugify_az(title)[:190].strip("-") or "article"
            taken = set(others.filter(**{f"{name}__startswith": base}).values_list(name, flat=True))
            candidate, number = base, 2
            while candidate in taken:
                candidate = f"{base}-{number}"
                number += 1
            cleaned[name] = candidate
            self.derived_slugs[name] = candidate

    def save(self, commit=True):
        article = super().save(commit=False)
        for name, slug in getattr(self, "derived_slugs", {}).items():
            setattr(article, name, slug)
        # Publishing a draft whose time was left alone publishes it now, not at the
        # moment the draft was started; a time the editor changed is kept (scheduling).
        becomes_public = (
            "status" in self.changed_data
            and article.status == Article.Status.PUBLISHED
            and self.initial.get("status") in (None, Article.Status.DRAFT, Article.Status.REVIEW)
        )
        if (
            becomes_public
            and "published_at" not in self.changed_data
            and article.published_at < timezone.now()
        ):
            article.published_at = timezone.now()
        changed_note = any(f"change_note_{code}" in self.changed_data for code in LANGUAGE_CODES)
        if changed_note:
            has_note = any(article.has_text("change_note", code) for code in LANGUAGE_CODES)
            article.change_noted_at = timezone.now() if has_note else None
        if commit:
            article.save()
            self.save_m2m()
        return article


class ArticlePhotoForm(forms.ModelForm):
    class Meta:
        model = ArticlePhoto
        fields = [
            "source",
            "image",
            *(f"{field}_{code}" for field in ("alt", "caption") for code in LANGUAGE_CODES),
            *(f"credit_{code}" for code in LANGUAGE_CODES),
            "order",
        ]
        field_classes = {"image": ImageUploadField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        key = self.add_prefix("source")
        if self.is_bound and not str(self.data.get(key, "")).isdigit():
            # Django's autocomplete widget looks a posted value up as an id when it renders
            # the form again: a value that is no number at all would be a 500 there.
            self.data = self.data.copy()
            self.data[key] = ""
        # A photo is uploaded here or chosen from the library: either one will do.
        self.fields["image"].required = False
        self.fields["source"].help_text = _(
            "Choose a photo from the library, or upload a new one below (it joins the library)."
        )

    def clean(self):
        cleaned = super().clean()
        source, upload = cleaned.get("source"), cleaned.get("image")
        new_upload = isinstance(upload, ContentFile)
        if source and not new_upload and source.image.name != (self.instance.image.name or ""):
            library.show(self.instance, source)
            cleaned.update(library.texts_for(source, cleaned))
            cleaned["image"] = None
        elif new_upload:
            cleaned["source"] = None  # a new file is a new library photo
        elif not source and not upload and not self.instance.image:
            self.add_error("image", _("Upload a photo or choose one from the library."))
        if (cleaned.get("image") or cleaned.get("source")) and not any(
            (cleaned.get(f"alt_{code}") or "").strip() for code in LANGUAGE_CODES
        ):
            self.add_error(
                f"alt_{LANGUAGE_CODES[0]}",
                _("Describe the photo for readers who cannot see it (in at least one language)."),
            )
        return cleaned


def keep_uploads(forms_to_check, user, preview_url):
    """After a failed save: keep every image that passed its checks, shown as chosen.

    `preview_url(token)` is where the admin serves a kept upload to its uploader.
    """
    for form in forms_to_check:
        cleaned = getattr(form, "cleaned_data", None)
        if not form.is_bound or cleaned is None:
            continue
        for name, field in form.fields.items():
            value = cleaned.get(name)
            if not isinstance(field, ImageUploadField) or not isinstance(value, ContentFile):
                continue
            token = pending.keep(value, user)
            field.widget.pending = token
            field.widget.pending_url = preview_url(token)
