"""Every bad XLIFF import is refused with a message naming the problem, and changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from news.models import Article, ArticlePhoto
from tests.factories import azerbaijani_only
from translators import xliff
from translators.models import ImportLog, TranslationSnapshot
from translators.registry import ARTICLE

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="az" trgLang="en">
 <file id="f"><unit id="u"><segment>
  <source>&lol9;</source><target>&lol9;</target>
 </segment></unit></file>
</xliff>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="az" trgLang="en">
 <file id="f"><unit id="u"><segment>
  <source>x</source><target>&secret;</target>
 </segment></unit></file>
</xliff>"""


@pytest.fixture
def article():
    return azerbaijani_only(title_az="Başlıq", lead_az="Giriş", body_az="<p>Mətn.</p>")


def exported(article, language="en"):
    return xliff.export([(ARTICLE, article, list(article.photos.all()))], "az", language).decode()


def translated(article, **replacements):
    """The exported file with English targets, then textual edits as a tool might make."""
    data = exported(article)
    data = data.replace('state="initial"', 'state="translated"')
    for field, text in (("title", "Title"), ("lead", "Lead"), ("body", "Text.")):
        source_close = "</source>"
        marker = f'id="article.{article.pk}.{field}"'
        start = data.index(marker)
        close = data.index(source_close, start) + len(source_close)
        data = data[:close] + f"<target>{text}</target>" + data[close:]
    for old, new in replacements.items():
        data = data.replace(old, new)
    return data.encode()


def database_state():
    return (
        list(Article.objects.order_by("pk").values()),
        list(ArticlePhoto.objects.order_by("pk").values()),
        ImportLog.objects.count(),
        TranslationSnapshot.objects.count(),
    )


def upload(client, data, language="en"):
    return client.post(
        "/admin/translations/import/",
        {"language": language, "file": SimpleUploadedFile("file.xlf", data)},
    )


def assert_rejected(client, data, *messages, language="en"):
    before = database_state()
    response = upload(client, data, language)
    assert response.status_code == 400
    text = response.content.decode()
    assert "nothing was changed" in text
    for message in messages:
        assert message in text
    assert database_state() == before


def test_a_good_file_is_accepted(client, translator, article):
    assert upload(client, translated(article)).status_code == 302
    article.refresh_from_db()
    assert (article.title_en, article.lead_en, article.body_en) == ("Title", "Lead", "<p>Text.</p>")


def test_unknown_unit_ids_are_named(client, translator, article):
    data = translated(
        article,
        **{
            f'id="article.{article.pk}.lead"': 'id="article.{article.pk}.status"'.replace(
                "{article.pk}", str(article.pk)
            ),
            f'id="article.{article.pk}.title"': 'id="poll.1.title"',
        },
    )
    assert_rejected(client, data, f"article.{article.pk}.status", "poll.1.title")


def test_a_deleted_object_is_named(client, translator, article):
    data = translated(article, **{f"article.{article.pk}.": "article.999999."})
    assert_rejected(client, data, "article.999999.title", "no such object")


def test_a_source_changed_since_export_is_named_and_nothing_is_half_applied(
    client, translator, article
):
    data = translated(article)
    article.body_az = "<p>Mətn dəyişdi.</p>"
    article.save()
    # The title and lead are still valid; they must not be applied either.
    assert_rejected(
        client, data, f"article.{article.pk}.body", "changed since the file was exported"
    )
    article.refresh_from_db()
    assert article.title_en == ""


def test_a_missing_fingerprint_counts_as_a_changed_source(client, translator, article):
    data = translated(article)
    data = data.replace(b"portal:fingerprint=", b"portal:other=")
    assert_rejected(client, data, "changed since the file was exported")


def test_malformed_xml_is_refused(client, translator, article):
    data = translated(article)[:-30]
    assert_rejected(client, data, "not well-formed XML")


def test_a_file_that_is_not_xliff_2_is_refused(client, translator):
    assert_rejected(client, b"<html><body>hello</body></html>", "not an XLIFF 2.0 document")
    assert_rejected(
        client,
        b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"/>',
        "not an XLIFF 2.0 document",
    )


def test_a_wrong_target_language_in_the_file_is_refused(client, translator, article):
    data = translated(article, **{'trgLang="en"': 'trgLang="ru"'})
    assert_rejected(client, data, "“ru”", "“en”")


def test_importing_into_a_language_the_translator_does_not_translate_is_refused(
    client, translator, article
):
    before = database_state()
    response = upload(client, translated(article, **{'trgLang="en"': 'trgLang="az"'}), "az")
    assert response.status_code == 200  # the form says the choice is not available
    assert "Select a valid choice" in response.content.decode()
    assert database_state() == before


def test_an_oversize_file_is_refused(client, translator, article):
    data = translated(article)
    padding = b"<!--" + b"x" * (xliff.MAX_BYTES + 1) + b"-->"
    assert_rejected(client, data + padding, "larger than 2 MB")


def test_a_translation_longer_than_the_field_is_refused(client, translator, article):
    data = translated(article, **{"<target>Title</target>": f"<target>{'x' * 301}</target>"})
    assert_rejected(client, data, "longer than 300 characters")


def test_duplicate_units_are_refused(client, translator, article):
    data = translated(article)
    unit_start = data.index(b"<unit")
    unit_end = data.index(b"</unit>") + len(b"</unit>")
    data = data[:unit_end] + data[unit_start:unit_end] + data[unit_end:]
    assert_rejected(client, data, "appears more than once")


def test_inline_codes_in_a_target_of_plain_text_are_refused(client, translator, article):
    data = translated(article, **{"<target>Title</target>": "<target>A <pc id='1'>b</pc></target>"})
    assert_rejected(client, data, f"Unit article.{article.pk}.title", "code 1 is not in the source")


def test_billion_laughs_is_refused_without_expanding_anything(client, translator):
    assert_rejected(client, BILLION_LAUGHS, "DTD, entities or external references")


def test_an_external_entity_is_refused(client, translator):
    assert_rejected(client, EXTERNAL_ENTITY, "DTD, entities or external references")


def test_every_problem_is_listed_at_once(client, translator, article):
    data = translated(
        article,
        **{'trgLang="en"': 'trgLang="fr"', f"article.{article.pk}.lead": "article.x.lead"},
    )
    before = database_state()
    response = upload(client, data)
    # Unknown ids are found while reading; the language check follows once ids are sound.
    assert "article.x.lead" in response.content.decode()
    assert database_state() == before


@pytest.mark.parametrize("bad_id", ["article.99999999999999999999999.title", "article.²³.title"])
def test_ids_out_of_range_are_unknown_ids_not_crashes(client, translator, article, bad_id):
    data = translated(article, **{f"article.{article.pk}.title": bad_id})
    assert_rejected(client, data, "Unknown unit id", bad_id)


def test_an_export_of_nonsense_items_is_a_message_not_a_crash(client, translator):
    response = client.get(
        "/admin/translations/export/?language=en&items=article:99999999999999999999999"
        "&items=poll:1&items=article:x"
    )
    assert response.status_code == 302
