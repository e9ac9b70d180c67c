"""Abstract bases every content app's models share: timestamps, translatable text."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import i18n
from core.i18n import LANGUAGE_CODES


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Translatable(models.Model):
    """A model with modeltranslation fields and per-field source fingerprints.

    `translation_fingerprints` maps language → field → hash of the source text the
    translation was made from, so the translators' board can tell "outdated".
    """

    source_language = models.CharField(
        _("original language"),
        max_length=2,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    translation_fingerprints = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    def text(self, field, language=None):
        """The field's text in `language`, falling back, and which language it is in."""
        return i18n.localized(self, field, language)

    def has_text(self, field, language):
        return bool((getattr(self, f"{field}_{language}", None) or "").strip())

    def strip_translations(self, fields):
        """White space alone is not a translation: store it as empty."""
        for field in fields:
            for code in LANGUAGE_CODES:
                name = f"{field}_{code}"
                value = getattr(self, name, None)
                if isinstance(value, str):
                    setattr(self, name, value.strip())


class ContentVersion(models.Model):
    """The one row that names the current content version (core.caching.version).

    Moved forward in the same transaction as every content change; caches are keyed by it.
    """

    version = models.BigIntegerField()
    # When content next changes by itself (the earliest scheduled publication).
    next_due = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("content version")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="content_version_single_row")
        ]

    def __str__(self):
        return str(self.version)
