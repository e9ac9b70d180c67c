"""The body HTML is cleaned by an allow-list on save: what the editor makes stays, the rest goes."""

import pytest

from core.sanitizer import sanitize_html
from tests.factories import ArticleFactory

KEPT = [
    "<h2>Heading</h2>",
    "<h3>Sub</h3>",
    "<p><strong>bold</strong> and <em>italic</em></p>",
    "<ul><li>one</li></ul>",
    "<ol><li>first</li></ol>",
    "<blockquote><p>quote</p></blockquote>",
    '<p><a href="https://example.gov.az/x" rel="noopener noreferrer">link</a></p>',
    '<p><a href="mailto:press@example.gov.az" rel="noopener noreferrer">mail</a></p>',
    '<img src="/media/gallery/2026/11/abc-960.jpg" alt="A classroom">',
]


@pytest.mark.parametrize("html", KEPT)
def test_what_the_editor_makes_is_kept(html):
    assert sanitize_html(html) == html


HOSTILE = {
    "script": "<p>a</p><script>alert(1)</script>",
    "script in caps": "<SCRIPT SRC=//evil.example/x.js></SCRIPT><p>a</p>",
    "event handler": '<p onclick="alert(1)">a</p>',
    "event handler on img": '<img src="/media/x.jpg" onerror="alert(1)" alt="">',
    "svg onload": '<svg onload="alert(1)"><p>a</p></svg>',
    "javascript link": '<a href="javascript:alert(1)">a</a>',
    "javascript link, mixed case and entities": '<a href="JaVaScRiPt&#58;alert(1)">a</a>',
    "javascript link with tab": '<a href="java\tscript:alert(1)">a</a>',
    "data link": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">a</a>',
    "data image": '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="">',
    "remote image": '<img src="https://tracker.example/pixel.gif" alt="">',
    "protocol-relative image": '<img src="//tracker.example/pixel.gif" alt="">',
    "style element": "<style>body{display:none}</style><p>a</p>",
    "style attribute": '<p style="background:url(javascript:alert(1))">a</p>',
    "iframe": '<iframe src="https://evil.example"></iframe><p>a</p>',
    "object": '<object data="x.swf"></object><p>a</p>',
    "form": '<form action="https://evil.example"><input name="q"></form><p>a</p>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example"><p>a</p>',
    "nested script trick": "<scr<script>ipt>alert(1)</scr</script>ipt><p>a</p>",
    "nested in allowed tags": "<p><strong><script>alert(1)</script></strong></p>",
    "comment hiding script": "<!--><script>alert(1)</script>--><p>a</p>",
    "base tag": '<base href="https://evil.example/"><p>a</p>',
    "link target": '<a href="https://example.gov.az" target="_blank">a</a>',
    "srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "math namespace confusion": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
}


@pytest.mark.parametrize("html", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markup_is_neutralised(html):
    cleaned = sanitize_html(html).lower()
    for needle in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "data:",
        "<style",
        "style=",
        "<iframe",
        "<object",
        "<form",
        "<meta",
        "<base",
        "<svg",
        "tracker.example",
        "target=",
        "evil.example",
    ):
        assert needle not in cleaned, (needle, cleaned)


def test_text_of_a_removed_script_does_not_become_markup():
    cleaned = sanitize_html(
        "<p>x</p><script>document.write('<img src=x onerror=alert(1)>')</script>"
    )
    assert "<img" not in cleaned
    assert "onerror" not in cleaned or "&lt;" in cleaned


OFFICE_PASTE = "".join(
    [
        "<!--[if gte mso 9]><xml><o:OfficeDocumentSettings><o:AllowPNG/>",
        "</o:OfficeDocumentSettings></xml><![endif]-->",
        '<p class="MsoNormal" style="margin-bottom:0cm;mso-line-height-rule:exactly">',
        '<span lang="AZ-LATIN" style="font-size:12.0pt;font-family:&quot;Times New Roman&quot;,',
        'serif;mso-fareast-language:RU">Dövlət Komitəsi<o:p></o:p></span></p>',
        '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>',
        '<p class="MsoListParagraphCxSpFirst" style="text-indent:-18.0pt;mso-list:l0 level1 lfo1">',
        '<![if !supportLists]><span style="font-family:Symbol">·<span style="font:7.0pt ',
        '&quot;Times New Roman&quot;">&nbsp;&nbsp; </span></span><![endif]>Birinci</p>',
        '<font face="Arial" color="red"><b>Qalın</b></font>',
    ]
)


def test_office_paste_junk_is_cleaned():
    cleaned = sanitize_html(OFFICE_PASTE)
    for junk in (
        "mso",
        "MsoNormal",
        "<o:p",
        "<xml",
        "<span",
        "<font",
        "class=",
        "style=",
        "[if",
        "endif",
    ):
        assert junk not in cleaned, (junk, cleaned)
    assert "Dövlət" in cleaned
    assert "Birinci" in cleaned
    assert "<b>Qalın</b>" in cleaned
    assert "<p></p>" not in cleaned


@pytest.mark.django_db
def test_article_save_stores_only_clean_html():
    article = ArticleFactory(
        body_az='<p onclick="x()">Mətn</p><script>alert(1)</script>',
        body_en='<p><a href="javascript:alert(1)">link</a></p>',
    )
    article.refresh_from_db()
    assert article.body_az == "<p>Mətn</p>"
    assert "javascript" not in article.body_en
