"""Pick the benchmark's URLs in the bench database and measure each one in-process.

Run by bench/run.py with the same environment as the server (database, cache,
page-cache settings). Prints JSON: for each page its path, status, body bytes and
the SQL queries one warm request runs (Django's test client through all middleware,
CaptureQueriesContext), so the table's query column is measured, not assumed.
"""

import json
import os
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils.translation import override  # noqa: E402

from core.text import transliterate  # noqa: E402
from news.management.commands.bench_data import VOCABULARY  # noqa: E402
from news.models import Article, Category  # noqa: E402

READER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
SEARCH_QUERY = os.environ.get("BENCH_SEARCH_QUERY", "Laçın")
DEEP_PAGE = int(os.environ.get("BENCH_DEEP_PAGE", "2000"))


def pages():
    category = Category.objects.order_by("order", "id").first()
    article = (
        Article.objects.published()
        .filter(category=category, written_languages="az en")
        .exclude(photo="")
        .order_by("-published_at")
        .first()
    )
    with override("az"):
        listing = category.get_absolute_url()
        found = {
            "home": reverse("news:home"),
            "listing p1": listing,
            f"listing p{DEEP_PAGE}": f"{listing}?page={DEEP_PAGE}",
            "article": article.get_absolute_url("az"),
        }
        for name, url_name, query in [
            ("search", "news:search", f"?q={quote(SEARCH_QUERY)}"),
            ("feed", "news:feed_rss", ""),
        ]:
            try:
                found[name] = reverse(url_name) + query
            except NoReverseMatch:
                found[name] = None
    found["livez"] = "/livez"
    return found, article.pk


def new_queries(count, seed=7):
    """Searches nobody has made before, as readers type them: a word, a place, a place
    and a word; Azerbaijani ones also without the Azerbaijani letters ("xankendi"); a
    quarter in the other language than the page's.
    Seeded, so every run asks the same ones; all distinct, so none is answered from
    the search cache within a run (a cache is flushed between runs)."""
    import random

    rng = random.Random(seed)
    paths = {}
    urls = {}
    for language in ("az", "en"):
        with override(language):
            urls[language] = reverse("news:search")
    while len(paths) < count:
        language = "az" if rng.random() < 0.7 else "en"
        # A quarter are cross-language: the other language's words and place spellings
        # ("Khankendi" on /az/, "Laçın" on /en/), which search matches too (docs/search.md).
        cross = rng.random() < 0.25
        vocabulary = VOCABULARY[{"az": "en", "en": "az"}[language] if cross else language]
        kind = rng.random()
        if kind < 0.4:
            words = vocabulary.words(rng, 1)
        elif kind < 0.6:
            words = [vocabulary.place(rng)]
        else:
            words = [vocabulary.place(rng), *vocabulary.words(rng, 1)]
        query = " ".join(words)
        if language == "az" and rng.random() < 0.3:
            query = transliterate(query)
        paths[f"{urls[language]}?q={quote(query)}"] = None
    return list(paths)


def measure(path, warm=True):
    client = Client(HTTP_USER_AGENT=READER_UA)
    if warm:
        client.get(path)
        client.get(path)  # fragments and, with page caching on, the page itself are warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return {
        "path": path,
        "status": response.status_code,
        "body_bytes": len(response.content),
        "queries": len(queries),
    }


def spread_paths(listing, count=2000, seed=11):
    """Readers at every depth: listing pages over 1..DEEP_PAGE and articles over the
    whole archive, seeded and shuffled, so no one URL is repeated while its neighbours
    are cold."""
    import random

    rng = random.Random(seed)
    pages_ = [f"{listing}?page={number}" for number in range(1, DEEP_PAGE + 1)]
    rng.shuffle(pages_)
    ids = list(Article.objects.published().values_list("pk", flat=True))
    chosen = rng.sample(ids, min(count, len(ids)))
    articles = [item.get_absolute_url("az") for item in Article.objects.filter(pk__in=chosen)]
    rng.shuffle(articles)
    return pages_[:count], articles


def cold_renders(found, samples=5):
    """The first render of each page after a content change, in-process: the content
    version is bumped (as any publish or edit does), so every fragment and per-worker
    memo is cold, then one request is timed. Median and worst of `samples` changes."""
    import statistics
    import time

    from core.caching.version import bump

    client = Client(HTTP_USER_AGENT=READER_UA)
    results = {}
    for name, path in found.items():
        if not path or name == "livez":
            continue
        client.get(path)  # the code paths are warm; only the content caches go cold
        times, warm = [], []
        for _ in range(samples):
            bump()
            started = time.perf_counter()
            status = client.get(path).status_code
            times.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            client.get(path)
            warm.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"{name} {path} answered {status} after a content change")
        results[name] = {
            "path": path,
            "cold_ms": statistics.median(times),
            "cold_max_ms": max(times),
            "warm_ms": statistics.median(warm),
        }
    return results


def main():
    found, article_id = pages()
    report = {"article_id": article_id, "pages": {}}
    for name, path in found.items():
        report["pages"][name] = measure(path) if path else None
    report["listing_spread_paths"], report["article_spread_paths"] = spread_paths(
        found["listing p1"]
    )
    if os.environ.get("BENCH_COLD_RENDERS"):
        report["cold_renders"] = cold_renders(found)
    # Many article URLs, for the memory run.
    recent = Article.objects.published().order_by("-published_at")[:500]
    report["article_paths"] = [item.get_absolute_url("az") for item in recent]
    searches = new_queries(int(os.environ.get("BENCH_NEW_QUERIES", "20000")))
    # Its queries are those of a search nobody has made: measured on one that the load
    # run then leaves out.
    report["pages"]["search, new queries"] = measure(searches.pop(), warm=False)
    report["search_paths"] = searches
    json.dump(report, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
