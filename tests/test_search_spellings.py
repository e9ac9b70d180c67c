"""Search across languages and spellings: Azerbaijani Latin, English spelling and ASCII
find the same articles on both language pages; results say their language; a typo gets
"did you mean"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.text import search_text, spelling_key
from news.search import fulltext
from tests.factories import ArticleFactory, azerbaijani_only, english_only

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    khankendi = ArticleFactory(
        title_az="Xankəndidə yeni məktəb açılıb",
        title_en="A new school opens in Khankendi",
        body_az="<p>Məktəb 900 şagird üçündür.</p>",
        body_en="<p>The school is for 900 pupils.</p>",
    )
    lachin = azerbaijani_only(
        title_az="Laçına köç davam edir", body_az="<p>Ailələr evlərinə qayıdır.</p>"
    )
    shusha = english_only(title_en="Shusha festival", body_en="<p>Music in the old town.</p>")
    ArticleFactory(title_az="Bakıda tədbir", title_en="An event in Baku")
    return {"khankendi": khankendi, "lachin": lachin, "shusha": shusha}


def found(client, path, query):
    return list(client.get(path, {"q": query}).context["result_ids"])


@pytest.mark.parametrize("path", ["/az/axtaris/", "/en/search/"])
@pytest.mark.parametrize(
    ("query", "place"),
    [
        ("Xankəndi", "khankendi"),
        ("xankendi", "khankendi"),
        ("Khankendi", "khankendi"),
        ("KHANKENDI", "khankendi"),
        ("Laçın", "lachin"),
        ("Lachin", "lachin"),
        ("lacin", "lachin"),
        ("Şuşa", "shusha"),
        ("Shusha", "shusha"),
        ("susa", "shusha"),
    ],
)
def test_place_names_match_in_every_spelling_on_both_language_pages(
    client, places, path, query, place
):
    assert found(client, path, query) == [places[place].pk]


def test_a_query_in_the_other_language_finds_a_translated_article(client, places):
    # "məktəb" is in the Azerbaijani title only; the English page still finds it.
    assert found(client, "/en/search/", "məktəb") == [places["khankendi"].pk]
    assert found(client, "/az/axtaris/", "school") == [places["khankendi"].pk]


def test_results_say_which_language_they_are_in(client, places):
    text = client.get("/en/search/", {"q": "Laçın"}).content.decode()
    assert '<span class="search-result__language" lang="az">Azərbaycanca</span>' in text
    text = client.get("/az/axtaris/", {"q": "Shusha"}).content.decode()
    assert '<span class="search-result__language" lang="en">English</span>' in text


def test_every_spelling_is_marked_in_the_result(client, places):
    text = client.get("/en/search/", {"q": "xankəndi"}).content.decode()
    assert "<mark>Khankendi</mark>" in text
    text = client.get("/az/axtaris/", {"q": "Khankendi"}).content.decode()
    assert "<mark>Xankəndidə</mark>" in text


@pytest.mark.parametrize(
    ("english", "azerbaijani"),
    [
        ("Khankendi", "Xankəndi"),
        ("Lachin", "Laçın"),
        ("Shusha", "Şuşa"),
        ("Aghdam", "Ağdam"),
        ("Ganja", "Gəncə"),
        ("Jabrayil", "Cəbrayıl"),
        ("Khojaly", "Xocalı"),
        ("Karabakh", "Qarabağ"),
        ("Kalbajar", "Kəlbəcər"),
        ("Zangilan", "Zəngilan"),
        ("Fuzuli", "Füzuli"),
    ],
)
def test_the_equivalence_table_makes_one_key_of_both_spellings(english, azerbaijani):
    assert search_text(english) == search_text(azerbaijani)


def test_spelling_keys_are_stable_when_applied_twice():
    for word in ["xankendi", "susa", "lacin", "gence", "qarabag", "shchukin"]:
        assert spelling_key(spelling_key(word)) == spelling_key(word)


def test_a_typo_gets_a_suggestion_that_finds_the_article(client, places, postgres_only):
    response = client.get("/az/axtaris/", {"q": "xankandi"})
    assert list(response.context["result_ids"]) == []
    suggestion = response.context["results"].suggestion
    # The nearest word of a published title ("Xankəndidə", folded), or its stem where
    # another article gave it ("Xankəndi"): both find the article.
    assert suggestion in {"xankendi", "xankendide"}
    text = response.content.decode()
    assert f'href="/az/axtaris/?q={suggestion}"' in text
    assert found(client, "/az/axtaris/", suggestion) == [places["khankendi"].pk]


def test_known_words_are_kept_in_a_suggestion(client, places, postgres_only):
    response = client.get("/en/search/", {"q": "school xankandi"})
    suggestion = response.context["results"].suggestion
    assert suggestion in {"school xankendi", "school xankendide"}
    assert found(client, "/en/search/", suggestion) == [places["khankendi"].pk]


def test_no_suggestion_when_something_matches(client, places, postgres_only):
    assert client.get("/en/search/", {"q": "Lachin"}).context["results"].suggestion == ""


def test_nothing_like_any_word_suggests_nothing(client, places, postgres_only):
    assert client.get("/en/search/", {"q": "zzqqvv"}).context["results"].suggestion == ""


def test_a_search_with_a_suggestion_still_costs_at_most_four_queries(client, places, postgres_only):
    client.get("/en/search/", {"q": "warm"})  # menus and the like
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/search/", {"q": "xankandu"})
    searching = [q for q in queries.captured_queries if "news_search" in q["sql"]]
    assert 1 <= len(searching) <= 4


def test_words_of_new_articles_join_the_suggestion_table(postgres_only):
    article = english_only(title_en="Zangilan orchards", body_en="<p>Apples.</p>")
    assert fulltext.suggestion(["orchardz"]) == "orchards"
    article.title_en = "Zangilan vineyards"
    article.save()
    assert fulltext.suggestion(["vineyardz"]) == "vineyards"
