"""Site-wide content in the admin: settings, static pages with their documents, appeals."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from portal.models import Appeal, Document, SiteSettings, StaticPage

PDF_MAGIC = b"%PDF-"
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def validate_pdf(upload):
    """A real PDF, by its content (not its name or the browser's claim), and not too big.

    Documents are served to the public; a file that only says ".pdf" could be HTML
    or script, so the first bytes must be the PDF signature.
    """
    if upload.size > MAX_DOCUMENT_BYTES:
        raise forms.ValidationError(
            _("The file is too big: at most %(size)d MB."),
            code="too_big",
            params={"size": MAX_DOCUMENT_BYTES // (1024 * 1024)},
        )
    if not upload.name.lower().endswith(".pdf"):
        raise forms.ValidationError(_("Upload a PDF file (.pdf)."), code="not_pdf")
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    # The PDF specification lets the signature sit anywhere in the first 1,024 bytes;
    # we ask for it at the start, as every common PDF writer puts it.
    if not head.startswith(PDF_MAGIC):
        raise forms.ValidationError(
            _("This file is not a PDF document. Upload the PDF itself."), code="not_pdf"
        )
    return upload


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title_az", "title_en", "file", "order"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        # An unchanged file is the stored one: only new uploads are checked.
        if upload and hasattr(upload, "content_type"):
            validate_pdf(upload)
        return upload


@admin.register(SiteSettings)
class SiteSettingsAdmin(TranslationAdmin):
    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class DocumentInline(TranslationTabularInline):
    model = Document
    form = DocumentForm
    extra = 0


@admin.register(StaticPage)
class StaticPageAdmin(TranslationAdmin):
    list_display = ["title", "menu_order", "show_in_menu", "is_published", "updated_at"]
    list_editable = ["menu_order", "show_in_menu", "is_published"]
    search_fields = ["title_az", "title_en"]
    inlines = [DocumentInline]


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["reference", "subject", "name", "email", "language", "created_at", "is_handled"]
    list_filter = ["is_handled", "language", "created_at"]
    list_editable = ["is_handled"]
    search_fields = ["reference", "name", "email", "subject", "message"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "reference",
        "name",
        "email",
        "phone",
        "subject",
        "message",
        "language",
        "created_at",
    ]
    fields = [*readonly_fields, "is_handled"]

    def has_add_permission(self, request):
        # Appeals come from citizens through the form, never typed in by staff.
        return False
