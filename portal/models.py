"""Site-wide content that is not news: settings with the quote banner, static pages, appeals."""

import secrets

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import current_language
from core.models import TimeStamped, Translatable
from core.sanitizer import sanitize_html
from core.text import slugify_az


class SiteSettings(Translatable, TimeStamped):
    """One row, edited in the admin: the quote banner and the footer's contacts."""

    quote_text = models.TextField(_("quote"), blank=True)
    quote_attribution = models.CharField(_("quote attribution"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(_("Site settings"))

    def save(self, *args, **kwargs):
        self.pk = 1  # there is only ever one row
        self.strip_translations(["quote_text", "quote_attribution", "address"])
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The settings row, or empty settings if none was saved yet (reading never writes)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class StaticPage(Translatable, TimeStamped):
    """An editable page in the main menu: About, Leadership, Contacts, Legislation."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    menu_order = models.PositiveSmallIntegerField(_("menu order"), default=0)
    show_in_menu = models.BooleanField(_("show in the main menu"), default=True)
    is_published = models.BooleanField(_("published"), default=True)
    # Optimistic locking (core.concurrency.claim): a form carries the version it was opened at.
    edit_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["menu_order", "id"]
        verbose_name = _("static page")
        verbose_name_plural = _("static pages")

    def __str__(self):
        return str(self.text("title"))

    def save(self, *args, **kwargs):
        self.strip_translations(["title", "slug", "body"])
        for code in ("az", "en"):
            setattr(self, f"body_{code}", sanitize_html(getattr(self, f"body_{code}", "") or ""))
            if not getattr(self, f"slug_{code}", "") and self.has_text("title", code):
                setattr(self, f"slug_{code}", slugify_az(getattr(self, f"title_{code}")))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        language = current_language()
        slug = getattr(self, f"slug_{language}", "") or self.slug_az or self.slug_en
        return reverse("portal:page", kwargs={"pk": self.pk, "slug": slug})


class Document(TimeStamped):
    """A downloadable file attached to a static page (laws, decrees)."""

    page = models.ForeignKey(StaticPage, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file (PDF)"), upload_to="documents/%Y/")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title


def new_appeal_reference():
    return "M-" + secrets.token_hex(4).upper()


class Appeal(TimeStamped):
    """A citizen's appeal sent through the contact form.

    Staff move its status in the admin; each change is kept with its time (AppealStatusChange)
    and told to the citizen (portal.appeals). After APPEAL_RETENTION_DAYS the personal data
    is erased and only the reference, the dates and the statuses remain.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("appeal status", "Received")
        IN_PROGRESS = "in_progress", pgettext_lazy("appeal status", "In progress")
        ANSWERED = "answered", pgettext_lazy("appeal status", "Answered")

    reference = models.CharField(
        _("reference"), max_length=20, unique=True, default=new_appeal_reference, editable=False
    )
    name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"), max_length=5000)
    language = models.CharField(_("language"), max_length=2, default="az")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    anonymised_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("citizen's appeal")
        verbose_name_plural = _("citizens' appeals")

    def __str__(self):
        return f"{self.reference}: {self.subject}"


class AppealStatusChange(models.Model):
    """When an appeal reached a status: what the citizen's status page lists."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=12, choices=Appeal.Status.choices)
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("appeal status change")
        verbose_name_plural = _("appeal status changes")

    def __str__(self):
        return f"{self.appeal_id}: {self.status}"


class StaffPreference(models.Model):
    """A staff user's own settings for the admin, independent of the public site's cookie."""

    class Language(models.TextChoices):
        AZ = "az", "Azərbaycanca"
        EN = "en", "English"

    user = models.OneToOneField(
        "auth.User", on_delete=models.CASCADE, related_name="staff_preference"
    )
    admin_language = models.CharField(
        _("admin language"), max_length=2, choices=Language.choices, default=Language.AZ
    )

    class Meta:
        verbose_name = _("staff preference")
        verbose_name_plural = _("staff preferences")

    def __str__(self):
        return f"{self.user} ({self.admin_language})"
