"""Readers' discovery pages: search and the archive by month. Thin views over
news.search and news.browsing; one template each."""

import dataclasses
import hashlib

from django.core.paginator import InvalidPage
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import override
from django.views.decorators.http import require_safe

from news import browsing, search, search_results, selectors
from news.addresses import named_path
from news.cache import cached_locally
from news.i18n import current_language
from portal.seo import alternates_for


def _url_in(language, name, **kwargs):
    with override(language):
        return reverse(name, kwargs=kwargs)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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
    years = browsing.published_years()
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
        items = search_results.list_items(results.articles, results.terms, language)
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


def _archive_category(language, category_slug):
    """The category of a per-category archive URL, or a redirect to its canonical slug."""
    if category_slug is None:
        return None, None
    category = selectors.category_by_slug(category_slug, language)
    if category_slug != category.slug_for(language):
        return category, category.slug_for(language)
    return category, None


def _archive_url(language, category, **kwargs):
    if category is None:
        name = "news:archive"
    else:
        name = "news:category_archive"
        kwargs["category_slug"] = category.slug_for(language)
    if "month" in kwargs:
        name += "_month"
    elif "year" in kwargs:
        name += "_year"
    return _url_in(language, name, **kwargs)


@require_safe
def archive(request, year=None, month=None, category_slug=None):
    """The archive: every month with its count, a year's months, or a month's news."""
    if year is not None and not browsing.valid_period(year, month):
        raise Http404("No such month")
    language = current_language()
    category, canonical_slug = _archive_category(language, category_slug)
    period = {key: value for key, value in (("year", year), ("month", month)) if value}
    if canonical_slug:
        return HttpResponsePermanentRedirect(_archive_url(language, category, **period))
    alternates = alternates_for(lambda lang: _archive_url(lang, category, **period))
    years = browsing.archive_years(category)
    context = {
        "category": category,
        "current_category": category,
        "year": year,
        "month": month,
        "alternates": alternates,
    }
    if month is None:
        if year is not None:
            years = [entry for entry in years if entry[0] == year]
        context["years"] = years
        return render(request, "news/archive.html", context)
    context["page_obj"] = browsing.archive_page(request.GET.get("page"), year, month, category)
    context["months_of_year"] = next((entry[1] for entry in years if entry[0] == year), [])
    return render(request, "news/archive_month.html", context)
