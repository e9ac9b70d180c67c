"""Finding: a NUL in the search query was written raw into the results page's <title>.

Control characters (NUL and the other C0 controls but tab and newlines, DEL, C1) are
stripped from the query where it is cleaned (news.search.clean_query, with
core.text.strip_controls), before it is echoed anywhere."""

import re

import pytest

from core.text import strip_controls
from news import search

pytestmark = [pytest.mark.security, pytest.mark.django_db]

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@pytest.mark.parametrize("path", ["/az/axtaris/", "/en/search/"])
@pytest.mark.parametrize(
    "raw_query",
    ["a%00b%01c", "%00a%1Fb%7Fc%C2%85", "a%08%0B%0C%1Bb%00c%00"],
)
def test_control_characters_never_reach_the_page(client, path, raw_query):
    response = client.get(f"{path}?q={raw_query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert not CONTROL.search(html), CONTROL.findall(html)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "abc" in title
    assert re.search(r'<input id="search-q" [^>]*value="abc"', html)
    assert response.context["query"] == "abc"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\x00b\x01c", "abc"),
        ("\x00\x00", ""),
        ("Xankəndi\x7f \x1b[31mqırmızı\x9b", "Xankəndi [31mqırmızı"),
        # Tab and newlines are spaces between words, as before.
        ("a\tb\nc\r\nd", "a b c d"),
        (None, ""),
    ],
)
def test_clean_query_drops_control_characters(raw, clean):
    assert search.clean_query(raw) == clean


def test_strip_controls_keeps_tab_newlines_and_every_letter():
    text = "Şuşa\tXankəndi\r\nİ ı ə “quoted” – \u00a0 😀"
    assert strip_controls(text) == text
    assert strip_controls("".join(map(chr, range(0x20)))) == "\t\n\r"
    assert strip_controls("\x7f\x80\x9f") == ""
