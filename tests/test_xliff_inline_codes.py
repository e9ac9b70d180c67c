"""Inline codes on import: a target may move codes but never invent, repeat, drop or
misuse them, and text is always text. Each problem is named with its unit and segment,
and nothing is written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from news.models import Article
from tests.factories import azerbaijani_only
from translators import xliff
from translators.inline import rebuild, segment_html
from translators.models import ImportLog, MemorySegment
from translators.registry import ARTICLE

pytestmark = pytest.mark.django_db

BODY = (
    '<p>Birinci <strong>vacib</strong> və <a href="https://example.org/a">bir</a>, '
    '<a href="https://example.org/b">iki</a>.</p><p>İkinci abzas.<br>Sətir.</p>'
)


@pytest.fixture
def article():
    return azerbaijani_only(title_az="Başlıq", body_az=BODY)


def with_targets(article, first, second="Second paragraph.<ph id='4'/>Line."):
    data = xliff.export([(ARTICLE, article, [])], "az", "en").decode()
    unit_id = f'id="article.{article.pk}.body"'
    start = data.index(unit_id)
    for segment, text in (("s1", first), ("s2", second)):
        close = data.index("</source>", data.index(f'<segment id="{segment}"', start)) + 9
        data = data[:close] + f"<target>{text}</target>" + data[close:]
    return data.replace('state="initial"', 'state="translated"').encode()


def upload(client, data):
    return client.post(
        "/admin/translations/import/",
        {"language": "en", "file": SimpleUploadedFile("codes.xlf", data)},
    )


def snapshot():
    return (
        list(Article.objects.order_by("pk").values()),
        ImportLog.objects.count(),
        MemorySegment.objects.count(),
    )


GOOD = "First <pc id='1'>important</pc> and <pc id='2'>one</pc>, <pc id='3'>two</pc>."


def test_a_well_coded_target_is_rebuilt_with_the_sources_markup(client, translator, article):
    response = upload(client, with_targets(article, GOOD))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).body_en == (
        '<p>First <strong>important</strong> and <a href="https://example.org/a" '
        'rel="noopener noreferrer">one</a>, <a href="https://example.org/b" '
        'rel="noopener noreferrer">two</a>.</p><p>Second paragraph.<br>Line.</p>'
    )


def test_codes_may_move_and_nest_differently(client, translator, article):
    moved = "<pc id='3'>Two</pc> and <pc id='2'>one</pc>, <pc id='1'>important</pc> first."
    assert upload(client, with_targets(article, moved)).status_code == 302
    body = Article.objects.get(pk=article.pk).body_en
    assert body.startswith('<p><a href="https://example.org/b" rel="noopener noreferrer">Two</a>')


@pytest.mark.parametrize(
    ("first", "message"),
    [
        (GOOD.replace("id='3'", "id='9'"), "code 9 is not in the source"),
        (GOOD.replace("<pc id='3'>two</pc>", "<pc id='2'>two</pc>"), "code 2 appears twice"),
        (
            "First <pc id='1'>important</pc> <pc id='2'>one <pc id='3'>two</pc></pc>.",
            "code 3 is a link inside a link",
        ),
        (GOOD.replace("<pc id='1'>important</pc>", "<ph id='1'/>"), "wrong kind of code"),
        (GOOD.replace("<pc id='3'>two</pc>", "two"), "codes missing: 3"),
        (GOOD + "<sc id='x'/>", "&lt;sc&gt; is not supported"),
        ("", "no translation"),
    ],
)
def test_bad_codes_are_named_and_nothing_is_written(client, translator, article, first, message):
    before = snapshot()
    response = upload(client, with_targets(article, first))
    assert response.status_code == 400
    text = response.content.decode()
    assert f"article.{article.pk}.body" in text
    assert message in text
    assert snapshot() == before


def test_reordered_or_missing_segments_are_refused(client, translator, article):
    data = with_targets(article, GOOD).decode()
    body = data.index(f'id="article.{article.pk}.body"')
    first = data.index('<segment id="s1"', body)
    second = data.index('<segment id="s2"', body)
    end = data.index("</segment>", second) + len("</segment>")
    swapped = data[:first] + data[second:end] + data[first:second] + data[end:]
    before = snapshot()
    response = upload(client, swapped.encode())
    assert response.status_code == 400
    assert "its segments were reordered" in response.content.decode()
    dropped = data[:second] + data[end:]
    response = upload(client, dropped.encode())
    assert "not the exported ones" in response.content.decode()
    assert snapshot() == before


def test_markup_smuggled_in_as_text_stays_text(client, translator, article):
    smuggled = GOOD + " &lt;img src=x onerror=alert(1)&gt;&lt;script&gt;x()&lt;/script&gt;"
    assert upload(client, with_targets(article, smuggled)).status_code == 302
    article = Article.objects.get(pk=article.pk)
    assert "<img" not in article.body_en
    assert "&lt;img src=x onerror=alert(1)&gt;" in article.body_en
    page = client.get(article.get_absolute_url("en")).content.decode()
    assert "<script>x()" not in page
    assert "onerror=alert(1)>" not in page


@pytest.mark.parametrize(
    "html",
    [
        BODY,
        "<p>Bir</p>",
        "<h2>Başlıq</h2><ul><li>Bir</li><li><em>İki</em> <strong>üç</strong></li></ul>",
        "<blockquote><p>Sitat &amp; &lt;işarə&gt;</p></blockquote><hr><p>Son.</p>",
        '<table><tbody><tr><td>1</td><td><a href="https://a.az/?x=1&amp;y=2">x</a></td></tr>'
        "</tbody></table>",
        "Mətn <strong>qalın</strong> heç bir blokda deyil.",
    ],
)
def test_cutting_and_rebuilding_html_changes_nothing(html):
    assert rebuild(segment_html(html), {}) == html
