"""Translation memory: every saved translation (editor or import) stores its segments per
language pair; the editor suggests exact and fuzzy matches per segment."""

import pytest
from bs4 import BeautifulSoup

from tests.factories import azerbaijani_only, post_translation
from translators import memory
from translators.models import MemorySegment

pytestmark = pytest.mark.django_db

REPEATED = "Tədbirdə Dövlət Komitəsinin əməkdaşları və məcburi köçkünlər iştirak ediblər."
REPEATED_EN = "Staff of the State Committee and internally displaced people took part in the event."


def url(article):
    return f"/admin/translations/article/{article.pk}/en/"


def translate(client, article, **fields):
    return post_translation(client, url(article), {"_save": "1", **fields})


def test_a_saved_translation_stores_its_segments_per_language_pair(translator_client):
    article = azerbaijani_only(
        title_az="Görüş",
        body_az=f"<p>{REPEATED}</p><p>İkinci <strong>abzas</strong>.</p>",
    )
    response = translate(
        translator_client,
        article,
        title="Meeting",
        body=f"<p>{REPEATED_EN}</p><p>Second <strong>paragraph</strong>.</p>",
    )
    assert response.status_code == 302
    stored = {
        row.source_text: row.target_html
        for row in MemorySegment.objects.filter(source_language="az", target_language="en")
    }
    assert stored == {
        "Görüş": "Meeting",
        REPEATED: REPEATED_EN,
        "İkinci abzas.": "Second <strong>paragraph</strong>.",
    }
    assert not MemorySegment.objects.filter(target_language="az").exists()


def test_the_editor_suggests_exact_and_fuzzy_matches_per_segment(postgres_only, translator_client):
    done = azerbaijani_only(title_az="Görüş", body_az=f"<p>{REPEATED}</p>")
    translate(translator_client, done, title="Meeting", body=f"<p>{REPEATED_EN}</p>")
    similar = REPEATED.replace("əməkdaşları", "rəhbərliyi")
    article = azerbaijani_only(title_az="Görüş", body_az=f"<p>{similar}</p><p>Yeni.</p>")
    page = BeautifulSoup(translator_client.get(url(article)).content, "html.parser")
    title = page.select_one('[name="title"]').find_parent(class_="translators-target")
    exact = title.select_one(".translators-match")
    assert exact.select_one(".translators-match__score").get_text(strip=True) == "exact"
    assert exact.select_one(".translators-insert")["data-html"] == "Meeting"
    body = page.select_one('[name="body"]').find_parent(class_="translators-target")
    fuzzy = body.select_one(".translators-match")
    score = fuzzy.select_one(".translators-match__score").get_text(strip=True)
    assert score.endswith("% similar")
    assert 50 <= int(score.split("%")[0]) < 100
    assert fuzzy.select_one(".translators-match__text").get_text() == REPEATED_EN


def test_an_import_stores_its_segments_too(client, translator):
    from tests.test_xliff_rejections import translated, upload

    article = azerbaijani_only(title_az="Başlıq", lead_az="Giriş", body_az="<p>Mətn.</p>")
    assert upload(client, translated(article)).status_code == 302
    assert set(MemorySegment.objects.values_list("source_text", "target_html")) == {
        ("Başlıq", "Title"),
        ("Giriş", "Lead"),
        ("Mətn.", "Text."),
    }


def test_a_huge_segment_is_not_kept_and_breaks_nothing(translator_client):
    huge = "Söz " * 300_000  # about 1.2 MB of text
    article = azerbaijani_only(title_az="Başlıq", body_az=f"<p>{huge}</p>")
    response = translate(
        translator_client, article, title="Title", body=f"<p>{'Word ' * 300_000}</p>"
    )
    assert response.status_code == 302
    assert list(MemorySegment.objects.values_list("source_text", flat=True)) == ["Başlıq"]
    assert memory.suggestions("az", "en", [huge.strip()]) == {}


def test_suggestions_keep_markup_of_a_stored_segment_escaped_or_clean(translator_client):
    MemorySegment.objects.create(
        source_language="az",
        target_language="en",
        source_hash=memory.source_hash("Başlıq"),
        target_hash="x",
        source_text="Başlıq",
        source_html="Başlıq",
        target_html="Title<script>alert(1)</script><img src=x onerror=alert(2)>",
    )
    article = azerbaijani_only(title_az="Başlıq", body_az="<p>Mətn.</p>")
    html = translator_client.get(url(article)).content.decode()
    assert "<script>alert(1)" not in html
    assert "onerror=alert(2)>" not in html
    assert (
        "onerror"
        not in BeautifulSoup(html, "html.parser").select_one(".translators-match__text").decode()
    )
