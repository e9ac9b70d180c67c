"""Search: Azerbaijani-aware matching, fallback, highlighting, filters, odd queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news import search, selectors
from news.search import results as search_results
from tests.factories import ArticleFactory, CategoryFactory, azerbaijani_only, english_only

pytestmark = pytest.mark.django_db

KHANKENDI_AZ = "<p>Sədr Xankəndidən məcburi köçkün düşmüş azərbaycanlılarla görüşüb.</p>"
KHANKENDI_EN = "<p>The chairman met people displaced from Khankendi.</p>"


@pytest.fixture
def khankendi():
    return ArticleFactory(
        title_az="Xankəndi sakinləri ilə görüş",
        title_en="A meeting with Khankendi residents",
        body_az=KHANKENDI_AZ,
        body_en=KHANKENDI_EN,
    )


def titles(response):
    return list(response.context["result_ids"])


@pytest.mark.parametrize("query", ["xankendi", "XANKƏNDİ", "Xankəndi", "xankəndi", "XANKENDI"])
def test_azerbaijani_case_and_letters_find_the_same_articles(client, khankendi, query):
    ArticleFactory(title_az="Başqa xəbər", body_az="<p>Bakıda tədbir.</p>")
    response = client.get("/az/axtaris/", {"q": query})
    assert response.status_code == 200
    assert titles(response) == [khankendi.pk]


@pytest.mark.parametrize("query", ["İlham", "ilham", "ILHAM", "İLHAM", "ılham"])
def test_dotted_and_dotless_i_follow_azerbaijani_rules(client, query):
    # Azerbaijani upper "I" is dotless "ı" and upper "İ" is "i"; both fold to "i".
    article = ArticleFactory(title_az="İlham Əliyev sərəncam imzalayıb")
    assert titles(client.get("/az/axtaris/", {"q": query})) == [article.pk]


def test_suffixed_azerbaijani_forms_are_found_by_the_stem(client, khankendi, postgres_only):
    # "Xankəndidən" (from Khankendi) in the body; the prefix query finds it.
    only_body = ArticleFactory(title_az="Görüş keçirilib", body_az=KHANKENDI_AZ)
    response = client.get("/az/axtaris/", {"q": "Xankəndi"})
    assert set(titles(response)) == {khankendi.pk, only_body.pk}


def test_english_spelling_finds_the_english_text(client, khankendi):
    response = client.get("/en/search/", {"q": "Khankendi"})
    assert titles(response) == [khankendi.pk]
    # Spellings are one word (core.text.spelling_key): the Azerbaijani page finds it too.
    assert titles(client.get("/az/axtaris/", {"q": "Khankendi"})) == [khankendi.pk]


def test_search_falls_back_as_pages_do(client):
    only_az = azerbaijani_only(title_az="Şuşa qalası haqqında broşür", body_az="<p>Şuşa.</p>")
    only_en = english_only(title_en="Lachin green energy zone", body_en="<p>Lachin.</p>")
    response = client.get("/en/search/", {"q": "susa"})
    assert titles(response) == [only_az.pk]
    text = response.content.decode()
    assert 'lang="az"' in text
    assert titles(client.get("/az/axtaris/", {"q": "lachin"})) == [only_en.pk]


def test_only_published_articles_are_found(client):
    ArticleFactory(title_az="Qaralama Füzuli", status="draft")
    ArticleFactory(title_az="Gələcək Füzuli", published_at=timezone.now() + datetime.timedelta(1))
    visible = ArticleFactory(title_az="Füzuli rayonunda")
    assert titles(client.get("/az/axtaris/", {"q": "fuzuli"})) == [visible.pk]


def test_every_word_must_match(client):
    both = ArticleFactory(title_az="Ağdam məktəb açılışı")
    ArticleFactory(title_az="Ağdam yolu")
    assert titles(client.get("/az/axtaris/", {"q": "ağdam məktəb"})) == [both.pk]


def test_matches_are_highlighted_after_escaping(client):
    ArticleFactory(title_az="Xankəndi <b>qalası</b>", lead_az="Xankəndidə yeni məktəb")
    text = client.get("/az/axtaris/", {"q": "xankendi"}).content.decode()
    assert "<mark>Xankəndi</mark> &lt;b&gt;qalası&lt;/b&gt;" in text
    assert "<mark>Xankəndidə</mark> yeni məktəb" in text


def test_highlight_escapes_everything_it_does_not_mark():
    html = search_results.highlight('<script>alert("x")</script> Şuşa', ["susa"])
    assert html == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>Şuşa</mark>"


@pytest.mark.parametrize(
    ("text", "term", "marked"),
    [
        ("XANKƏNDİ və Xankəndidən", "xankendi", ["XANKƏNDİ", "Xankəndidən"]),
        ("İLHAM, ılham və Ilham", "ilham", ["İLHAM", "ılham", "Ilham"]),
        ("Qarabağ-Şuşa yolu", "susa", ["Şuşa"]),
        # Terms are spelling keys (core.text.spelling_key): "kh" is "x".
        ("Khankendi's school", "xankendi", ["Khankendi"]),
        ("Ağdamlı və bağda", "agdam", ["Ağdamlı"]),
        # Letters outside the Latin blocks match in either case.
        ("ЖУКОВ и Жуков", "жуков", ["ЖУКОВ", "Жуков"]),
        # "ß" folds to two letters; the marks after it stay on the right word.
        ("Straße Şuşa", "susa", ["Şuşa"]),
    ],
)
def test_every_spelling_of_a_term_is_marked_whole(text, term, marked):
    html = str(search_results.highlight(text, [term]))
    assert [part.split("</mark>")[0] for part in html.split("<mark>")[1:]] == marked


def test_every_letter_folds_as_the_full_table_folds_it():
    # English and Azerbaijani texts take a quicker path than the letter table; a letter
    # that took it wrongly would move or lose the marks of every text that holds it.
    differ = [
        hex(code)
        for code in range(0x3_0000)
        if not 0xD800 <= code <= 0xDFFF
        and search_results._searchable(chr(code)) != search_results._translated(chr(code))
    ]
    assert differ == []
    mixed = "İLHAM ılham Xankəndi ŞUŞA Ağdam Straße ЖУКОВ Ÿ"
    assert search_results._searchable(mixed) == search_results._translated(mixed)


def test_the_snippet_starts_near_the_first_match_in_the_body():
    words = [f"söz{n}" for n in range(80)]
    words[40] = "(Xankəndidə)"
    article = ArticleFactory(lead_az="Qısa xülasə.", body_az=f"<p>{' '.join(words)}</p>")
    snippet = str(search_results.snippet(article, ["xankendi"], "az"))
    assert snippet.startswith("… söz30 ")
    assert "(<mark>Xankəndidə</mark>)" in snippet
    assert snippet.endswith(" …")


@pytest.mark.parametrize("position", [1, 9, 66, 67, 300, 370])
def test_the_snippet_finds_the_first_match_anywhere_in_a_long_body(position):
    # Bodies are searched a piece at a time (about 400 letters, ~67 of these words);
    # "bəxankendi" does not start with the term, and a later match must not win.
    words = [f"söz{n:02}" for n in range(400)]
    words[position // 2] = "bəXankəndi"
    words[position] = "XANKƏNDİDƏN,"
    words[-1] = "Xankəndi"
    article = ArticleFactory(lead_az="Xülasə.", body_az=f"<p>{' '.join(words)}</p>")
    snippet = str(search_results.snippet(article, ["xankendi"], "az"))
    first_shown = max(0, position - 10)
    assert snippet.startswith(("… " if first_shown else "") + words[first_shown])
    assert "<mark>XANKƏNDİDƏN</mark>," in snippet
    assert "<mark>" not in snippet.replace("<mark>XANKƏNDİDƏN</mark>", "")


def test_newest_and_relevance_orders(client):
    category = CategoryFactory()
    now = timezone.now()
    rich = ArticleFactory(
        category=category,
        title_az="Laçın Laçın Laçın",
        body_az="<p>Laçın Laçın Laçın Laçın.</p>",
        published_at=now - datetime.timedelta(days=3),
    )
    newer = ArticleFactory(
        category=category,
        title_az="Tədbir",
        body_az="<p>Laçında tədbir.</p>",
        published_at=now - datetime.timedelta(days=1),
    )
    assert titles(client.get("/az/axtaris/", {"q": "lacin", "sort": "newest"})) == [
        newer.pk,
        rich.pk,
    ]
    if connection.vendor == "postgresql":
        assert titles(client.get("/az/axtaris/", {"q": "lacin"})) == [rich.pk, newer.pk]


def test_filter_by_category_and_year(client):
    events, meetings = CategoryFactory(), CategoryFactory()
    this_year = timezone.localdate().year
    old = ArticleFactory(
        category=events,
        title_az="Kəlbəcər görüşü",
        published_at=timezone.now().replace(year=this_year - 2),
    )
    recent = ArticleFactory(category=events, title_az="Kəlbəcər tədbiri")
    other = ArticleFactory(category=meetings, title_az="Kəlbəcər sakinləri")
    assert set(titles(client.get("/az/axtaris/", {"q": "kelbecer"}))) == {
        old.pk,
        recent.pk,
        other.pk,
    }
    by_category = client.get("/az/axtaris/", {"q": "kelbecer", "category": events.pk})
    assert set(titles(by_category)) == {old.pk, recent.pk}
    by_year = client.get("/az/axtaris/", {"q": "kelbecer", "year": this_year - 2})
    assert titles(by_year) == [old.pk]
    # Filters that name nothing are ignored, not errors.
    odd = client.get("/az/axtaris/", {"q": "kelbecer", "category": "x", "year": "99999"})
    assert odd.status_code == 200
    assert len(titles(odd)) == 3


def test_results_are_paginated_and_keep_the_query(client):
    category = CategoryFactory()
    ArticleFactory.create_batch(search.PAGE_SIZE + 5, category=category, title_az="Zəngilan xəbəri")
    first = client.get("/az/axtaris/", {"q": "zengilan", "sort": "newest"})
    assert len(titles(first)) == search.PAGE_SIZE
    assert "?q=zengilan&amp;sort=newest&amp;page=2" in first.content.decode()
    second = client.get("/az/axtaris/", {"q": "zengilan", "sort": "newest", "page": 2})
    assert len(titles(second)) == 5
    assert not set(titles(first)) & set(titles(second))
    assert client.get("/az/axtaris/", {"q": "zengilan", "page": 3}).status_code == 404
    assert client.get("/az/axtaris/", {"q": "zengilan", "page": "x"}).status_code == 404


ODD_QUERIES = [
    "",
    "a",
    "ə",
    "x" * 1000,
    "!!! ??? ...",
    "' OR 1=1; DROP TABLE news_article; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "a:* & !b | (c",
    "\\'\\\\",
    "%_%",
    "ünvan\x00",
]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_answer_a_proper_page_with_the_query_escaped(client, query):
    ArticleFactory(title_az="Adi xəbər")
    response = client.get("/az/axtaris/", {"q": query})
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("<h1") == 1
    assert "<script>alert" not in text
    assert "<img src=x" not in text
    shown = response.context["query"]
    assert len(shown) <= search.MAX_QUERY_LENGTH


def test_query_is_truncated_and_terms_limited():
    assert len(search.clean_query("x" * 1000)) == search.MAX_QUERY_LENGTH
    assert search.query_terms("a b c") == []
    assert search.query_terms("Şuşa ŞUŞA şuşa") == ["susa"]
    assert len(search.query_terms(" ".join(f"word{n}" for n in range(20)))) == search.MAX_TERMS


def test_empty_search_page_shows_the_form(client):
    response = client.get("/az/axtaris/")
    assert response.status_code == 200
    text = response.content.decode()
    assert '<label for="search-q">' in text
    assert 'name="robots" content="noindex' in text


def test_search_form_appears_in_the_header_of_other_pages(client):
    text = client.get("/en/news/").content.decode()
    assert 'action="/en/search/"' in text


@pytest.mark.parametrize("size", [3, 60])
def test_search_page_query_count_is_fixed(client, size, monkeypatch):
    # With at least MAX_RESULTS matches among the newest articles (common words) the
    # recent window answers alone; otherwise the whole archive is searched once more.
    monkeypatch.setattr(search, "MAX_RESULTS", 10)
    monkeypatch.setattr(search, "RECENT_WINDOW", 20)
    category = CategoryFactory()
    ArticleFactory.create_batch(size, category=category, title_az="Qubadlı xəbəri")
    client.get("/az/axtaris/", {"q": "qubadli"})  # warm the shared fragments
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/az/axtaris/", {"q": "qubadli", "category": category.pk})
    assert response.status_code == 200
    common = size >= search.MAX_RESULTS
    # Candidates (on PostgreSQL in up to two bounded steps: the matches among the
    # newest RECENT_WINDOW, then the index, year by year in one statement;
    # news.search.fulltext), then the page's rows.
    expected = 3 if connection.vendor == "postgresql" and not common else 2
    assert len(queries) == expected, [q["sql"] for q in queries]
    with CaptureQueriesContext(connection) as queries:
        client.get("/az/axtaris/", {"q": "nothing-matches-this"})
    # Nothing found: the two steps, then "did you mean" (news.search.fulltext).
    assert len(queries) == (3 if connection.vendor == "postgresql" else 1)


def test_common_words_are_answered_from_the_newest_articles(postgres_only, monkeypatch):
    monkeypatch.setattr(search, "MAX_RESULTS", 5)
    monkeypatch.setattr(search, "RECENT_WINDOW", 8)
    now = timezone.now()
    old = [
        ArticleFactory(title_az="Ağdam köhnə", published_at=now - datetime.timedelta(days=300 + n))
        for n in range(3)
    ]
    recent = [
        ArticleFactory(title_az="Ağdam yeni", published_at=now - datetime.timedelta(days=n))
        for n in range(6)
    ]
    results = search.search("agdam", "az", sort="newest")
    assert [a.pk for a in results.articles] == [a.pk for a in recent[:5]]
    assert results.capped
    # A rarer word (fewer than MAX_RESULTS in the window) is searched everywhere.
    rare = search.search("kohne", "az", sort="newest")
    assert [a.pk for a in rare.articles] == [a.pk for a in old]


def test_counting_is_capped(client, monkeypatch):
    monkeypatch.setattr(search, "MAX_RESULTS", 5)
    ArticleFactory.create_batch(8, title_az="Cəbrayıl xəbəri")
    response = client.get("/az/axtaris/", {"q": "cebrayil"})
    assert response.context["results"].capped
    assert response.context["results"].total == 5


def test_year_filter_offers_every_year_since_the_first_article(client):
    now = timezone.now()
    ArticleFactory(published_at=now.replace(year=now.year - 3))
    ArticleFactory(published_at=now - datetime.timedelta(minutes=5))
    # A scheduled article's year is not offered before it is published.
    ArticleFactory(published_at=now + datetime.timedelta(days=400), title_az="Planlaşdırılıb")
    years = client.get("/az/axtaris/").context["years"]
    this_year = timezone.localdate().year
    assert years == list(range(this_year, this_year - 4, -1))


def test_a_result_in_another_language_says_so_in_its_markup(client):
    # Read without model instances (news.search.summaries): the list item still knows
    # the language each text is shown in, and the section's.
    category = CategoryFactory(name_az="Tədbirlər", name_en="")
    article = azerbaijani_only(
        category=category, title_az="Şuşada <tədbir>", lead_az="Şuşa & Laçın", body_az="<p>x</p>"
    )
    response = client.get("/en/search/", {"q": "susa"})
    text = response.content.decode()
    assert titles(response) == [article.pk]
    assert f'<a href="/en/news/{article.pk}/{article.slug_az}/" lang="az">' in text
    assert "<mark>Şuşada</mark> &lt;tədbir&gt;</a>" in text
    assert '<span class="fallback-hint">(in Azerbaijani)</span>' in text
    assert '<span lang="az">Tədbirlər</span>' in text
    assert '"search-result__snippet" lang="az"><mark>Şuşa</mark> &amp; Laçın</p>' in text


def test_a_result_whose_section_the_cached_menu_lacks_still_shows(client, monkeypatch):
    # A section created between reading the content version and the menu: the result
    # reads its section from the database instead of failing.
    article = ArticleFactory(title_az="Füzuli yeni bölmədə", category=CategoryFactory())
    monkeypatch.setattr(selectors, "menu_categories", list)
    results = search.search("fuzuli", "az")
    assert [(found.pk, found.category.pk) for found in results.articles] == [
        (article.pk, article.category_id)
    ]
