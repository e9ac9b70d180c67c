"""Static pages: translated, in the menu, with Legislation documents that are real PDFs."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils.translation import override

from portal.admin import MAX_DOCUMENT_BYTES, DocumentForm
from portal.demo_documents import tiny_pdf
from portal.models import Document, StaticPage
from tests.factories import static_page_with_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def assert_valid_pdf(data):
    """The structure a PDF reader relies on: header, objects where the xref says, EOF."""
    assert data.startswith(b"%PDF-1.")
    assert data.rstrip().endswith(b"%%EOF")
    startxref = int(re.search(rb"startxref\s+(\d+)", data).group(1))
    assert data[startxref:].startswith(b"xref")
    offsets = re.findall(rb"(\d{10}) 00000 n ", data)
    assert offsets
    for number, offset in enumerate(offsets, start=1):
        assert data[int(offset) :].startswith(b"%d 0 obj" % number)


def test_tiny_pdf_is_well_formed():
    assert_valid_pdf(tiny_pdf("Law (demo) \\ copy"))


def test_demo_pages_are_in_the_menu_in_both_languages(client):
    call_command("load_demo", verbosity=0)
    az = client.get("/az/").content.decode()
    en = client.get("/en/").content.decode()
    for title in ["Komitə haqqında", "Rəhbərlik", "Əlaqə", "Qanunvericilik"]:
        assert title in az
    for title in ["About the Committee", "Leadership", "Contacts", "Legislation"]:
        assert title in en
    for page in StaticPage.objects.all():
        for language in ("az", "en"):
            with override(language):
                url = page.get_absolute_url()
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.content.decode().count("<h1") == 1


def test_legislation_lists_its_pdf_documents(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # idempotent: documents are added once
    legislation = StaticPage.objects.get(slug_en="legislation")
    documents = list(legislation.documents.all())
    assert len(documents) == 2
    with override("en"):
        url = legislation.get_absolute_url()
    text = client.get(url).content.decode()
    assert "Law of the Republic of Azerbaijan on the status of refugees and IDPs" in text
    assert "(PDF)" in text
    for document in documents:
        assert document.file.url in text
        with document.file.open("rb") as handle:
            assert_valid_pdf(handle.read())


def test_documents_are_served_as_inert_downloads(client):
    call_command("load_demo", verbosity=0)
    document = Document.objects.first()
    response = client.get(document.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]


def test_static_page_wrong_slug_redirects_and_unpublished_is_404(client):
    page = StaticPage(title_az="Rəhbərlik", title_en="Leadership")
    page.save()
    hidden = StaticPage(title_az="Gizli", title_en="Hidden", is_published=False)
    hidden.save()
    response = client.get(f"/en/pages/{page.pk}/wrong/")
    assert response.status_code == 301
    assert response["Location"] == f"/en/pages/{page.pk}/leadership/"
    assert client.get(f"/en/pages/{hidden.pk}/hidden/").status_code == 404
    assert client.get("/az/sehifeler/999999/x/").status_code == 404


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def document_form(file):
    page = StaticPage(title_az="Qanunvericilik", title_en="Legislation")
    page.save()
    return DocumentForm(
        data={"title_az": "Qanun", "title_en": "Law", "order": 1},
        files={"file": file},
        instance=Document(page=page),
    )


def test_admin_accepts_a_real_pdf():
    form = document_form(upload("law.pdf", tiny_pdf("Law")))
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("law.pdf", b"<html><script>alert(1)</script></html>"),
        ("law.pdf", b"GIF89a fake"),
        ("law.pdf", b""),
        ("law.pdf", b"  %PDF-1.4 shifted"),
        ("law.html", tiny_pdf("Law")),
        ("law.pdf.exe", tiny_pdf("Law")),
    ],
)
def test_admin_refuses_files_that_are_not_pdfs_by_content(name, content):
    form = document_form(upload(name, content))
    assert not form.is_valid()
    assert "file" in form.errors


def test_admin_refuses_a_pdf_over_the_size_limit():
    big = tiny_pdf("Law") + b"%" + b"0" * MAX_DOCUMENT_BYTES
    form = document_form(upload("big.pdf", big))
    assert not form.is_valid()
    assert "file" in form.errors


def test_admin_uploads_a_document_through_the_page_form(admin_client):
    page, data = static_page_with_document(
        upload("fake.pdf", b"<html>not a pdf</html>"), title_az="Saxta", title_en="Fake"
    )
    url = f"/admin/portal/staticpage/{page.pk}/change/"
    form_page = admin_client.get(url)
    assert form_page.status_code == 200
    response = admin_client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert not Document.objects.exists()
    data["documents-0-file"] = upload("real.pdf", tiny_pdf("Real"))
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Document.objects.get().file.name.endswith(".pdf")


@pytest.mark.parametrize("documents", [0, 12])
def test_static_page_query_count_is_fixed(client, documents):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = StaticPage(title_az="Qanunvericilik", title_en="Legislation")
    page.save()
    for number in range(documents):
        Document.objects.create(
            page=page, title_az=f"Sənəd {number}", file=f"documents/{number}.pdf"
        )
    url = f"/en/pages/{page.pk}/legislation/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == 2  # the page, its documents
