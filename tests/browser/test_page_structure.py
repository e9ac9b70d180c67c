"""Every page type, in each language, as a browser builds it: no console error and no CSP
violation (the harness fails the test on either), the page's language, one <h1>, headings
in order, landmarks, text in the other language marked with its own `lang`, and a robots
`noindex` on the pages that must not be indexed only."""

import itertools

import pytest

from news.models import Article
from tests.browser.site_pages import NOT_INDEXED, all_pages, expected_status, page_id, url_for

OUTLINE = """() => {
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
    .filter((h) => h.getClientRects().length);
  return headings.map((h) => [Number(h.tagName[1]), h.textContent.trim().slice(0, 60)]);
}"""

LANDMARKS = """() => ({
  banner: document.querySelectorAll("body > header, body > .site-header").length,
  main: document.querySelectorAll("main").length,
  contentinfo: document.querySelectorAll("body > footer").length,
  navs: [...document.querySelectorAll("nav")].map(
    (nav) => nav.getAttribute("aria-label") || nav.getAttribute("aria-labelledby") || ""),
})"""

# Each visible "(in Azerbaijani)" hint follows text that carries that language's `lang`.
FALLBACK_MARKS = """() => [...document.querySelectorAll(".fallback-hint")].map((hint) => {
  const marked = hint.previousElementSibling || hint.parentElement.previousElementSibling;
  return [hint.textContent.trim(), marked ? marked.closest("[lang]").getAttribute("lang") : null];
})"""

IMAGES = """() => [...document.querySelectorAll("img")].map((img) => ({
  src: img.currentSrc || img.src,
  alt: img.getAttribute("alt"),
  lang: img.closest("[lang]").getAttribute("lang"),
  inArticle: Boolean(img.closest(".article__photo")),
}))"""


ROBOTS = """() => [...document.querySelectorAll('meta[name="robots"]')].map(
  (meta) => meta.content)"""


def headings_in_order(levels):
    """No level skipped on the way down (h2 → h4 is a skip; h4 → h2 is fine)."""
    return all(later <= earlier + 1 for earlier, later in itertools.pairwise(levels))


@pytest.mark.parametrize("pair", all_pages(), ids=page_id)
def test_page_is_well_formed_in_the_browser(page, pair):
    page_type, language = pair
    path = url_for(page_type, language)
    if expected_status(page_type) == 404:
        page.problems.allow("status of 404")
    response = page.goto(path)
    assert response.status == expected_status(page_type)

    assert page.evaluate("() => document.documentElement.lang") == language
    outline = page.evaluate(OUTLINE)
    levels = [level for level, _text in outline]
    assert levels.count(1) == 1, outline
    assert levels[0] == 1, outline
    assert headings_in_order(levels), outline

    landmarks = page.evaluate(LANDMARKS)
    assert landmarks["banner"] == 1
    assert landmarks["main"] == 1
    assert landmarks["contentinfo"] == 1
    assert all(landmarks["navs"]), f"a <nav> without a name: {landmarks['navs']}"
    assert len(set(landmarks["navs"])) == len(landmarks["navs"]), landmarks["navs"]

    other = "en" if language == "az" else "az"
    for hint, marked_language in page.evaluate(FALLBACK_MARKS):
        assert marked_language == other, f"{hint!r} follows text marked {marked_language!r}"

    for image in page.evaluate(IMAGES):
        assert image["alt"] is not None, image

    robots = page.evaluate(ROBOTS)
    if page_type in NOT_INDEXED:
        assert any("noindex" in value for value in robots), robots
    elif expected_status(page_type) == 200:
        assert not any("noindex" in value for value in robots), robots


@pytest.mark.parametrize("language", ["az", "en"])
def test_article_photo_alt_is_the_translated_alt_field(page, language):
    path = url_for("article-photo", language)
    page.goto(path)
    article = Article.objects.get(pk=int(path.split("/")[3]))
    photo = [image for image in page.evaluate(IMAGES) if image["inArticle"]]
    assert len(photo) == 1
    assert photo[0]["alt"] == getattr(article, f"photo_alt_{language}")
    assert photo[0]["lang"] == language


def test_fallback_article_is_marked_in_its_own_language(page):
    """An Azerbaijani-only article read on the English side: the text says az, the notice en."""
    path = url_for("article-fallback", "en")
    article = Article.objects.get(pk=int(path.split("/")[3]))
    page.goto(path)
    assert page.locator("article.article").get_attribute("lang") == "az"
    assert page.locator(".notice--fallback").get_attribute("lang") == "en"
    assert page.locator("h1").evaluate("h => h.closest('[lang]').lang") == "az"
    for image in page.evaluate(IMAGES):
        if image["inArticle"]:
            # The alt text's language is stated wherever the image sits.
            assert image["alt"] == getattr(article, f"photo_alt_{image['lang']}")


# CDP tells which font really drew each glyph, so a fallback to a system font shows.
AZERBAIJANI_LETTERS = "Ə ə I ı İ i Ş ş Ç ç Ğ ğ Ö ö Ü ü"


@pytest.mark.parametrize("weight", ["400", "700"])
def test_azerbaijani_letters_are_drawn_with_our_font(page, weight):
    # The faces are `font-display: optional`: a page whose font file arrives after the
    # first ~100 ms keeps the fallback (no layout shift), and the next page finds the file
    # in the cache. What this test asks is whether our files cover every letter, so it
    # looks at a reader's second page, with both faces fetched on the first.
    page.goto("/az/")
    page.evaluate(
        """() => Promise.all(["400", "700"].map(
          (weight) => document.fonts.load(`${weight} 16px "Noto Sans"`, "Əə")))"""
    )
    page.goto("/az/")
    page.evaluate(
        """([letters, weight]) => {
          const probe = document.createElement("p");
          probe.id = "font-probe";
          probe.style.fontWeight = weight;
          probe.textContent = letters;
          document.querySelector("main").append(probe);
          return document.fonts.ready;
        }""",
        [AZERBAIJANI_LETTERS, weight],
    )
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "#font-probe"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    letters = len(AZERBAIJANI_LETTERS.replace(" ", ""))
    ours = [font for font in fonts if font["isCustomFont"]]
    assert [font["familyName"] for font in ours] == ["Noto Sans"] * len(ours), fonts
    assert sum(font["glyphCount"] for font in ours) >= letters, fonts
    assert all(font["isCustomFont"] or font["glyphCount"] == 0 for font in fonts), fonts
