"""Demo Legislation documents: small, valid PDF files drawn here, attached once."""

from django.core.files.base import ContentFile

from portal.models import Document, StaticPage

# (file name, title_az, title_en, the line printed on the page: ASCII only)
DOCUMENTS = [
    (
        "qacqin-statusu-haqqinda-qanun.pdf",
        "“Qaçqınların və məcburi köçkünlərin statusu haqqında” Azərbaycan Respublikasının Qanunu",
        "Law of the Republic of Azerbaijan on the status of refugees and IDPs",
        "Law on the status of refugees and internally displaced persons (demo copy)",
    ),
    (
        "boyuk-qayidis-dovlet-proqrami.pdf",
        "Böyük Qayıdışa dair I Dövlət Proqramı",
        "The First State Programme on the Great Return",
        "The First State Programme on the Great Return (demo copy)",
    ),
]


def tiny_pdf(line):
    """A one-page PDF 1.4 with `line` in Helvetica, with a correct cross-reference table."""
    text = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 14 Tf 56 780 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def load_documents():
    """Attach the demo documents to the Legislation page, once."""
    page = StaticPage.objects.filter(slug_en="legislation").first()
    if page is None or page.documents.exists():
        return 0
    for order, (name, title_az, title_en, line) in enumerate(DOCUMENTS, start=1):
        document = Document(page=page, order=order, title_az=title_az, title_en=title_en)
        document.file.save(name, ContentFile(tiny_pdf(line)), save=False)
        document.save()
    return len(DOCUMENTS)
