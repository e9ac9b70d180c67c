"""A static page's documents are checked as PDFs (portal/admin.py, validate_pdf).

A file that starts with `%PDF-` and carries HTML and script was stored and published.
Now pypdf must read it (cross-reference table, trailer, every page), only comments may
come between the header and the first object, and nothing but white space may follow the
final `startxref … %%EOF`. A refusal is a form error on the page's change form (200),
never a 500, in the editor's language.
"""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from portal.admin import DocumentForm
from portal.demo_documents import tiny_pdf
from portal.models import Document, StaticPage
from tests.factories.forms import in_english, static_page_with_document

pytestmark = [pytest.mark.django_db, pytest.mark.security, pytest.mark.usefixtures("media_root")]

SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"
BROKEN = "This PDF could not be read; it may be damaged or incomplete."
NOT_ONLY_PDF = "This file holds data that is not part of the PDF document"
PASSWORD = "This PDF opens only with a password."


def written_pdf(pages=1, **encryption):
    """A real PDF from pypdf's writer: blank A4 pages, encrypted when asked."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if encryption:
        writer.encrypt(**encryption)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def updated_pdf():
    """A real PDF with a second revision appended by an incremental update."""
    writer = PdfWriter(io.BytesIO(written_pdf()), incremental=True)
    writer.add_metadata({"/Title": "Law, as amended"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def with_html_after_the_header():
    data = written_pdf()
    header, rest = data.split(b"\n", 1)
    return header + b"\n" + SCRIPT + b"\n" + rest


def post_document(client, content, name="law.pdf"):
    """Send a document through the static page's change form, as the admin does."""
    page, data = static_page_with_document(
        SimpleUploadedFile(name, content, content_type="application/pdf")
    )
    return client.post(f"/admin/portal/staticpage/{page.pk}/change/", data)


def errors_of(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return " ".join(e.get_text(" ", strip=True) for e in soup.select(".errorlist"))


def form_for(content):
    page = StaticPage(title_az="Qanunvericilik", title_en="Legislation")
    page.save()
    return DocumentForm(
        data={"title_az": "Qanun", "title_en": "Law", "order": 1},
        files={"file": SimpleUploadedFile("law.pdf", content, content_type="application/pdf")},
        instance=Document(page=page),
    )


@pytest.mark.parametrize(
    "make",
    [
        written_pdf,
        lambda: written_pdf(pages=3),
        lambda: tiny_pdf("Law on the status of refugees"),  # the demo documents' writer
        lambda: written_pdf() + b"\r\n\x00\x00 \n",  # white space after %%EOF is allowed
        updated_pdf,  # two revisions, two %%EOF
        lambda: written_pdf(user_password="", owner_password="owner", algorithm="RC4-128"),
    ],
    ids=["pypdf", "three-pages", "demo-writer", "trailing-space", "incremental", "owner-only"],
)
def test_real_pdfs_are_accepted(make):
    form = form_for(make())
    assert form.is_valid(), form.errors


def test_a_real_pdf_is_stored_through_the_admin(admin_client):
    content = written_pdf()
    response = post_document(in_english(admin_client), content)
    assert response.status_code == 302, errors_of(response)
    with Document.objects.get().file.open("rb") as stored:
        assert stored.read() == content


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: b"%PDF-1.4\n" + SCRIPT, BROKEN),
        (lambda: b"%PDF-1.4\n" + SCRIPT + b"\nstartxref\n0\n%%EOF\n", NOT_ONLY_PDF),
        (lambda: written_pdf() + SCRIPT, NOT_ONLY_PDF),
        (lambda: written_pdf() + b"\n" + SCRIPT + b"\n%%EOF\n", NOT_ONLY_PDF),
        (with_html_after_the_header, NOT_ONLY_PDF),
        (lambda: written_pdf()[: len(written_pdf()) // 2], BROKEN),
        (lambda: written_pdf()[:-40] + b"\nstartxref\n9\n%%EOF\n", BROKEN),
        (lambda: b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\nstartxref\n0\n%%EOF\n", BROKEN),
        (lambda: written_pdf(user_password="secret", algorithm="RC4-128"), PASSWORD),
    ],
    ids=[
        "html-after-the-signature",
        "html-dressed-with-a-trailer",
        "script-after-eof",
        "script-then-another-eof",
        "html-before-the-first-object",
        "truncated",
        "cross-reference-table-cut-off",
        "no-catalogue-no-pages",
        "needs-a-password",
    ],
)
def test_what_is_not_only_a_pdf_is_a_form_error_in_the_admin(admin_client, make, message):
    response = post_document(in_english(admin_client), make())
    assert response.status_code == 200  # the form again, never a 500
    assert message in errors_of(response)
    assert not Document.objects.exists()


def test_the_refusal_is_in_azerbaijani_for_an_azerbaijani_editor(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "az"
    response = post_document(admin_client, written_pdf() + SCRIPT)
    assert response.status_code == 200
    assert "PDF sənədinin hissəsi olmayan" in errors_of(response)
    assert not Document.objects.exists()
