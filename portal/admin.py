"""Site-wide content in the admin: settings, static pages with their documents, appeals."""

import io
import re
from collections import deque

import reversion
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from core.concurrency import EditVersionAdminMixin, EditVersionFormMixin
from portal import appeals
from portal.admin_site import AdminLoginForm
from portal.models import Appeal, Document, SiteSettings, StaticPage

# An overlong username is refused by the form, before authentication and django-axes.
admin.site.login_form = AdminLoginForm
admin.site.site_header = _("State Committee for Affairs of Refugees and IDPs — administration")
admin.site.site_title = _("State Committee — administration")
admin.site.index_title = _("Newsroom")

PDF_MAGIC = b"%PDF-"
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
# White space in PDF syntax: NUL, tab, line feed, form feed, carriage return, space.
_PDF_SPACE = rb"[\x00\t\n\x0c\r ]"
# The header line, then only white space and comments (the binary marker line) up to the
# first object: nothing a browser could take for a page.
PDF_START = re.compile(
    rb"%PDF-\d\.\d[^\r\n]*[\r\n](?:" + _PDF_SPACE + rb"|%[^\r\n]*[\r\n])*"
    rb"\d+" + _PDF_SPACE + rb"+\d+" + _PDF_SPACE + rb"+obj\b"
)
# A PDF's last lines (of each revision): `startxref`, the table's offset, `%%EOF`.
PDF_END = re.compile(rb"startxref" + _PDF_SPACE + rb"+\d+" + _PDF_SPACE + rb"+%%EOF")


def _pdf_error(code):
    messages = {
        "broken_pdf": _(
            "This PDF could not be read; it may be damaged or incomplete. Save it again "
            "from the program that made it and upload that copy."
        ),
        "not_only_pdf": _(
            "This file holds data that is not part of the PDF document (for example, web "
            "page code before or after it). Save it again from the program that made it "
            "and upload that copy."
        ),
        "pdf_password": _("This PDF opens only with a password. Upload a copy without one."),
    }
    return forms.ValidationError(messages[code], code=code)


def _parse_pdf(data):
    """pypdf reads the cross-reference table, the trailer and every page's size."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                    raise _pdf_error("pdf_password")
            except DependencyError:
                # AES: pypdf needs the `cryptography` package to decrypt (not installed).
                # The table and trailer it has read are what we check of such a file.
                return
        sizes = [page.mediabox for page in reader.pages]
    except forms.ValidationError:
        raise
    except Exception as error:  # pypdf raises many kinds of error on a hostile file
        raise _pdf_error("broken_pdf") from error
    if not sizes:
        raise _pdf_error("broken_pdf")


def validate_pdf(upload):
    """A real PDF, by its content (not its name or the browser's claim), and not too big.

    Documents are served to the public; a file that only says ".pdf" could be HTML or
    script. So it must be a PDF from its first byte to its last: the signature, then only
    comments up to the first object; readable by pypdf; and nothing but white space after
    the final `startxref … %%EOF` (a script appended to a real PDF is refused).
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
    data = upload.read()
    upload.seek(0)
    # The PDF specification lets the signature sit anywhere in the first 1,024 bytes;
    # we ask for it at the start, as every common PDF writer puts it.
    if not data.startswith(PDF_MAGIC):
        raise forms.ValidationError(
            _("This file is not a PDF document. Upload the PDF itself."), code="not_pdf"
        )
    last = deque(PDF_END.finditer(data), maxlen=1)  # the last revision's end is the file's
    if not last:
        raise _pdf_error("broken_pdf")
    if data[last[0].end() :].strip(b"\x00\t\n\x0c\r "):
        raise _pdf_error("not_only_pdf")
    if not PDF_START.match(data):
        raise _pdf_error("not_only_pdf")
    _parse_pdf(data)
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


if not reversion.is_registered(StaticPage):
    # Revisions name who saved a page last, for the conflict page of a stale save.
    reversion.register(StaticPage)


class StaticPageForm(EditVersionFormMixin, forms.ModelForm):
    class Meta:
        model = StaticPage
        # The admin's fieldsets choose the fields; these are the editable ones.
        fields = ["title", "slug", "body", "menu_order", "show_in_menu", "is_published"]


@admin.register(StaticPage)
class StaticPageAdmin(EditVersionAdminMixin, TranslationAdmin):
    form = StaticPageForm
    list_display = ["title", "menu_order", "show_in_menu", "is_published", "updated_at"]
    list_editable = ["menu_order", "show_in_menu", "is_published"]
    search_fields = ["title_az", "title_en"]
    inlines = [DocumentInline]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message())
        return entry


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["reference", "subject", "name", "email", "language", "created_at", "status"]
    list_filter = ["status", "language", "created_at"]
    list_editable = ["status"]
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
        "anonymised_at",
    ]
    fields = [*readonly_fields, "status"]

    def save_model(self, request, obj, form, change):
        # A status change is recorded with its time and told to the citizen (portal.appeals).
        if change and "status" in form.changed_data:
            appeals.change_status(obj, obj.status)
        else:
            super().save_model(request, obj, form, change)

    def has_add_permission(self, request):
        # Appeals come from citizens through the form, never typed in by staff.
        return False
