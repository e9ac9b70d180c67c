"""A round trip through translate-toolkit's XLIFF 2 API, as a CAT tool built on it would
make: export, fill every segment keeping its inline codes, import, read the HTML back."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from translate.storage import factory, xliff2

from news.models import Article
from tests.factories import azerbaijani_only

pytestmark = pytest.mark.django_db

BODY = (
    "<h2>Böyük Qayıdış</h2>"
    "<p>Birinci <strong>vacib</strong> və <em>maraqlı</em> abzas, "
    '<a href="https://example.org/plan?x=1&amp;y=2">keçid</a>.<br>Yeni sətir.</p>'
    "<ul><li>Bir</li><li><strong>İki</strong> <em>üç</em></li></ul>"
    "<ol><li>Dörd</li></ol>"
)
WORDS = {
    "Böyük Qayıdış": "Great Return",
    "Birinci ": "The first ",
    "vacib": "important",
    " və ": " and ",
    "maraqlı": "interesting",
    " abzas, ": " paragraph, ",
    "keçid": "link",
    "Yeni sətir.": "A new line.",
    "Bir": "One",
    "İki": "Two",
    "üç": "three",
    "Dörd": "Four",
}


def translated(element):
    """A copy of a rich source with each text leaf translated, codes untouched."""
    if isinstance(element, str):
        return WORDS.get(element, element)
    copy = element.copy()
    copy.sub = [translated(child) for child in element.sub]
    return copy


def export(client, article):
    response = client.get(f"/admin/translations/export/?items=article:{article.pk}&language=en")
    assert response.status_code == 200
    return response.content


def upload(client, data, name):
    return client.post(
        "/admin/translations/import/",
        {"language": "en", "file": SimpleUploadedFile(name, data, "application/xliff+xml")},
        follow=True,
    )


def fill(data, *, mark_translated=True):
    store = xliff2.Xliff2File.parsestring(data)
    assert store.getsourcelanguage() == "az"
    assert store.gettargetlanguage() == "en"
    for unit in store.units:
        unit.rich_target = [translated(part) for part in unit.rich_source]
        if mark_translated:
            unit.marktranslated()
    return bytes(store)


def test_a_body_with_bold_italic_links_lists_and_a_line_break_survives(client, translator):
    article = azerbaijani_only(title_az="Böyük Qayıdış", body_az=BODY)
    data = fill(export(client, article))
    response = upload(client, data, "filled-ttk.xlf")
    assert response.status_code == 200
    assert response.redirect_chain
    page = response.content.decode()
    # The admin capitalises messages; the file name is never the first word.
    assert "filled-ttk.xlf" in page
    assert "Filled-ttk.xlf" not in page
    article = Article.objects.get(pk=article.pk)
    assert article.title_en == "Great Return"
    assert article.body_en == (
        "<h2>Great Return</h2>"
        "<p>The first <strong>important</strong> and <em>interesting</em> paragraph, "
        '<a href="https://example.org/plan?x=1&amp;y=2" rel="noopener noreferrer">link</a>.'
        "<br>A new line.</p>"
        "<ul><li>One</li><li><strong>Two</strong> <em>three</em></li></ul>"
        "<ol><li>Four</li></ol>"
    )


def test_targets_a_tool_left_marked_initial_are_refused(client, translator):
    article = azerbaijani_only(title_az="Böyük Qayıdış", body_az=BODY)
    data = fill(export(client, article), mark_translated=False)
    response = upload(client, data, "unfinished.xlf")
    text = response.content.decode()
    assert response.status_code == 400
    assert f"Unit article.{article.pk}.title, segment s1" in text
    assert "still marked state=“initial”" in text
    assert Article.objects.get(pk=article.pk).title_en == ""


def test_the_toolkit_reads_every_segment_with_its_codes(client, translator):
    article = azerbaijani_only(title_az="Başlıq", body_az=BODY)
    store = xliff2.Xliff2File.parsestring(export(client, article))
    sources = [str(unit.source) for unit in store.units]
    assert "Birinci vacib və maraqlı abzas, keçid.Yeni sətir." in sources
    body = next(unit for unit in store.units if str(unit.source).startswith("Birinci"))
    # The toolkit sees inline codes as elements, not escaped tags in the text.
    assert "UnknownXML{pc}" in repr(body.rich_source)
    assert all("<" not in source for source in sources)


def test_the_toolkit_factory_recognises_the_file_as_xliff_2(client, translator):
    """translate-toolkit's factory sniffs the file by content (no name needed) and sees
    XLIFF; it hands version 2.0 to its XLIFF 2 reader only when asked, and says so."""
    article = azerbaijani_only(title_az="Başlıq")
    data = export(client, article)
    assert factory.getclass(io.BytesIO(data)).__name__ == "Xliff1File"
    with pytest.raises(ValueError, match=r"XLIFF 2\.0 parser"):
        factory.getobject(io.BytesIO(data))
    store = factory.getobject(io.BytesIO(data), classes={"xlf": xliff2.Xliff2File})
    assert [str(unit.source) for unit in store.units] == ["Başlıq", "Xəbərin mətni."]
