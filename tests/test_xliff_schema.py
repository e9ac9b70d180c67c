"""The XLIFF export is valid against the OASIS XLIFF 2.0 core schema (vendored in
tests/xliff/, with the Size and Length Restriction module the export uses)."""

from pathlib import Path

import pytest
from lxml import etree

from tests.factories import azerbaijani_only, make_photo
from translators import memory, xliff
from translators.inline import segment_html
from translators.registry import ARTICLE

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).parent / "xliff"
# The core schema imports the xml: namespace by its W3C address; the test never goes online.
LOCAL = {"http://www.w3.org/2001/xml.xsd": SCHEMAS / "xml.xsd"}

BODY = (
    "<h2>Böyük Qayıdış</h2>"
    '<p>Birinci <strong>vacib</strong> və <em>maraqlı</em> abzas, <a href="https://example.org/a?b=1&amp;c=2">'
    "keçid</a>.<br>Yeni sətir.</p>"
    "<ul><li>Bir</li><li><strong>İki</strong></li></ul>"
    "<blockquote><p>Sitat.</p></blockquote>"
)


class _Offline(etree.Resolver):
    def resolve(self, url, public_id, context):
        if url in LOCAL:
            return self.resolve_filename(str(LOCAL[url]), context)
        if Path(url).parent == SCHEMAS:
            return None  # our own files: lxml reads them
        raise AssertionError(f"the schema asked for {url}")


def _schema(name):
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_Offline())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name), parser))


def validate(data):
    document = etree.fromstring(data)
    core = _schema("xliff_core_2.0.xsd")
    core.assertValid(document)
    # Attributes of the module are checked by its own schema, element by element.
    module = _schema("size_restriction.xsd")
    slr = "{urn:oasis:names:tc:xliff:sizerestriction:2.0}"
    for element in document.iter(f"{slr}profiles"):
        module.assertValid(etree.fromstring(etree.tostring(element)))
    for unit in document.iter(f"{{{xliff.XLIFF_NS}}}unit"):
        limit = unit.get(f"{slr}sizeRestriction")
        assert limit is None or limit.isdigit()
    return document


def test_the_schema_itself_refuses_a_broken_file():
    with pytest.raises(etree.DocumentInvalid):
        validate(
            b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="az">'
            b'<file id="f"><unit id="u"><segment state="done"><source>x</source></segment>'
            b"</unit></file></xliff>"
        )


def test_an_export_with_rich_text_photos_and_translations_is_valid():
    article = azerbaijani_only(title_az="Xankəndi", lead_az="Giriş", body_az=BODY)
    article.title_en = "Khankendi"
    article.body_en = BODY.replace("Birinci", "First")
    article.save()
    make_photo(article, alt_az="Şəkil", caption_az="İmza")
    data = xliff.export(
        [(ARTICLE, article, list(article.photos.all()))],
        "az",
        "en",
        base_url="https://example.gov.az/",
    )
    document = validate(data)
    pcs = document.findall(f".//{{{xliff.XLIFF_NS}}}pc")
    phs = document.findall(f".//{{{xliff.XLIFF_NS}}}ph")
    assert pcs
    assert phs


def test_an_export_prefilled_from_memory_is_valid():
    article = azerbaijani_only(
        title_az="Başlıq", body_az="<p>Tədbir <strong>keçirilib</strong>.</p>"
    )
    memory.store(
        "az",
        "en",
        [
            (
                segment_html("<p>Tədbir <strong>keçirilib</strong>.</p>"),
                "<p>An <strong>event</strong> was held.</p>",
                True,
            )
        ],
    )
    data = xliff.export([(ARTICLE, article, [])], "az", "en", prefill=True)
    document = validate(data)
    segment = document.find(
        f".//{{{xliff.XLIFF_NS}}}unit[@id='article.{article.pk}.body']/{{{xliff.XLIFF_NS}}}segment"
    )
    assert segment.get("subState") == xliff.MEMORY_SUBSTATE
    assert "".join(segment.find(f"{{{xliff.XLIFF_NS}}}target").itertext()) == "An event was held."


def test_a_body_without_text_has_no_unit_and_the_file_stays_valid():
    article = azerbaijani_only(title_az="Şəkil", body_az='<p><img src="/media/a.jpg" alt=""></p>')
    document = validate(xliff.export([(ARTICLE, article, [])], "az", "en"))
    units = [unit.get("id") for unit in document.iter(f"{{{xliff.XLIFF_NS}}}unit")]
    assert units == [f"article.{article.pk}.title"]
