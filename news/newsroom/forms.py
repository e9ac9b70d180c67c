"""Admin forms of the newsroom: photo uploads checked by content, workflow-aware status, slugs."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import slugify_az
from news.models import LANGUAGE_CODES, Article, ArticlePhoto
from news.newsroom import images, workflow

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"


class ImageUploadField(forms.ImageField):
    """An image field that judges the bytes, not the name, and stores a clean re-encoding."""

    default_error_messages = {"invalid_image": _("This file is not a JPEG, PNG or WebP image.")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}))
        kwargs.setdefault(
            "help_text",
            _(
                "JPEG, PNG or WebP, at most 10 MB and 40 megapixels (WebP 20 megapixels). "
                "Location data is removed."
            ),
        )
        super().__init__(*args, **kwargs)

    def to_python(self, data):
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


class ArticleAdminForm(WorkflowStatusMixin, forms.ModelForm):
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
            "photo",
        ]
        field_classes = {"photo": ImageUploadField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_status()

    def clean(self):
        cleaned = super().clean()
        self._clean_slugs(cleaned)
        photo = cleaned.get("photo")
        if photo and not any(
            (cleaned.get(f"photo_alt_{code}") or "").strip() for code in LANGUAGE_CODES
        ):
            self.add_error(
                f"photo_alt_{LANGUAGE_CODES[0]}",
                _("Describe the photo for readers who cannot see it (in at least one language)."),
            )
        return cleaned

    def _clean_slugs(self, cleaned):
        """Slugs are unique per language: a typed duplicate is an error, a made one gets -2, -3."""
        others = (
            Article.objects.exclude(pk=self.instance.pk) if self.instance.pk else Article.objects
        )
        for code in LANGUAGE_CODES:
            name = f"slug_{code}"
            if name not in self.fields:
                continue
            slug = (cleaned.get(name) or "").strip()
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

    def save(self, commit=True):
        article = super().save(commit=False)
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
            "image",
            *(f"{field}_{code}" for field in ("alt", "caption") for code in LANGUAGE_CODES),
            "order",
        ]
        field_classes = {"image": ImageUploadField}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("image") and not any(
            (cleaned.get(f"alt_{code}") or "").strip() for code in LANGUAGE_CODES
        ):
            self.add_error(
                f"alt_{LANGUAGE_CODES[0]}",
                _("Describe the photo for readers who cannot see it (in at least one language)."),
            )
        return cleaned
