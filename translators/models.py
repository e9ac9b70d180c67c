"""Translators' own records: who translates into which language, what a translation
was made from, and who imported which XLIFF file."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TranslatorProfile(models.Model):
    """A translator's target language: the only language whose fields they may edit."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="translator_profile",
        verbose_name=_("user"),
    )
    target_language = models.CharField(
        _("target language"), max_length=2, choices=settings.LANGUAGES, default="en"
    )

    class Meta:
        verbose_name = _("translator profile")
        verbose_name_plural = _("translator profiles")
        permissions = [
            ("translate_content", _("Can use the translators' workspace")),
            ("translate_any_language", _("Can translate into every language")),
        ]

    def __str__(self):
        return f"{self.user} → {self.target_language}"


class TranslationSnapshot(models.Model):
    """The source text a field's translation was last made from, to show what changed."""

    kind = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    language = models.CharField(max_length=2)
    field = models.CharField(max_length=40)
    fingerprint = models.CharField(max_length=64)
    source_text = models.TextField(blank=True)
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    translated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "language", "field"],
                name="translation_snapshot_unique",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id} {self.language} {self.field}"


class ImportLog(models.Model):
    """One applied XLIFF import: who, when, which file, what it changed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="translation_imports",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveIntegerField(_("file size (bytes)"))
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64)
    source_language = models.CharField(_("source language"), max_length=2)
    target_language = models.CharField(_("target language"), max_length=2)
    unit_count = models.PositiveIntegerField(_("translated units"))
    # [{"kind": "article", "id": 12, "fields": ["title", "body"]}, ...]
    changes = models.JSONField(_("changes"), default=list)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("XLIFF import")
        verbose_name_plural = _("XLIFF imports")

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class TranslationBoard(TranslatorProfile):
    """No data of its own: the admin index entry that leads to the status board."""

    class Meta:
        proxy = True
        verbose_name = _("translation status")
        verbose_name_plural = _("translation status")


class MemorySegment(models.Model):
    """One translated segment, per language pair: what translation memory suggests from.

    `source_text` is the segment's text alone (what matching compares); `source_html`
    and `target_html` keep its inline markup; `bands` are its MinHash bands, which find
    fuzzy candidates (translators.memory).
    """

    source_language = models.CharField(max_length=2)
    target_language = models.CharField(max_length=2)
    source_hash = models.CharField(max_length=64)
    target_hash = models.CharField(max_length=64)
    source_text = models.TextField()
    source_html = models.TextField()
    target_html = models.TextField()
    bands = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_language", "target_language", "source_hash", "target_hash"],
                name="memory_segment_unique",
            )
        ]
        verbose_name = _("translation memory segment")
        verbose_name_plural = _("translation memory")

    def __str__(self):
        return f"{self.source_language}→{self.target_language}: {self.source_text[:60]}"


class GlossaryTerm(models.Model):
    """A term with its required translation: place names, programmes, titles."""

    class Category(models.TextChoices):
        PLACE = "place", _("place name")
        PROGRAMME = "programme", _("programme")
        TITLE = "title", _("title or body")
        OTHER = "other", _("other")

    term_az = models.CharField(_("term in Azerbaijani"), max_length=200)
    term_en = models.CharField(_("term in English"), max_length=200)
    category = models.CharField(
        _("category"), max_length=12, choices=Category.choices, default=Category.OTHER
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    required = models.BooleanField(
        _("required"),
        default=True,
        help_text=_("A translation that leaves the term out gets a warning."),
    )

    class Meta:
        ordering = ["term_az"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")
        constraints = [
            models.UniqueConstraint(fields=["term_az", "term_en"], name="glossary_term_unique")
        ]

    def __str__(self):
        return f"{self.term_az} → {self.term_en}"

    def term(self, language):
        return getattr(self, f"term_{language}", "") or ""
