"""The search page: a thin view over news.search, one template."""

import dataclasses
import hashlib

from django.core.paginator import InvalidPage
from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from core.caching import cached_locally, query_params
from core.i18n import current_language
from core.seo import alternates_for
from news import search, selectors
from news.addresses import named_path
from news.search.results import list_items


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@query_params("q", "sort", "category", "year", "page")
@require_safe
def search_page(request):
    language = current_language()
    query = search.clean_query(request.GET.get("q"))
    sort = request.GET.get("sort")
    if sort not in search.SORTS:
        sort = search.SORTS[0]
    categories = selectors.menu_categories()
    category_id = _int_or_none(request.GET.get("category"))
    if category_id not in {category.pk for category in categories}:
        category_id = None
    years = selectors.published_years()
    year = _int_or_none(request.GET.get("year"))
    if year not in years:
        year = None
    kept = {"q": query, "sort": sort, "category": category_id or "", "year": year or ""}
    kept_query = urlencode({key: value for key, value in kept.items() if value})
    page_number = request.GET.get("page") or 1

    def find():
        results = search.search(
            query, language, page_number=page_number, sort=sort, category_id=category_id, year=year
        )
        # Kept in this worker's memory as plain ids and text: hundreds of kept model
        # objects (or marked-safe strings, which the collector tracks as well) would
        # make every full garbage collection of the worker long, tens of milliseconds
        # in the middle of some reader's page.
        ids = tuple(article.pk for article in results.articles)
        items = list_items(results.articles, results.terms, language)
        return dataclasses.replace(results, articles=()), ids, items

    # One page of results is the same for every reader until content changes: kept in
    # this worker's memory per content version, with its rendered list (search.html).
    results_key = hashlib.sha256(repr([language, kept_query, page_number]).encode()).hexdigest()
    try:
        if len(str(page_number)) <= 6:
            results, result_ids, items = cached_locally(f"search-page:{results_key}", find)
        else:
            results, result_ids, items = find()
    except InvalidPage as error:
        raise Http404(str(error)) from error
    return render(
        request,
        "news/search.html",
        {
            "query": query,
            "terms": results.terms,
            "results": results,
            "page_obj": results.page,
            "result_ids": result_ids,
            # Our own list items, escaped as they were built.
            "result_items": mark_safe(items),
            "results_key": results_key,
            "sort": sort,
            "categories": categories,
            "category_id": category_id,
            "years": years,
            "year": year,
            "extra_query": f"{kept_query}&" if kept_query else "",
            "max_results": search.MAX_RESULTS,
            "alternates": alternates_for(
                lambda lang: (
                    named_path(lang, "news:search") + (f"?{kept_query}" if kept_query else "")
                )
            ),
        },
    )
