"""Reader pages: thin views over the selectors, one template each."""

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import override
from django.views.decorators.http import require_safe

from core.caching import cached_locally, query_params
from core.i18n import LANGUAGE_CODES, current_language
from core.seo import alternates_for
from news import search, selectors, view_counts


def _url_in(language, name, **kwargs):
    with override(language):
        return reverse(name, kwargs=kwargs)


@query_params()
@require_safe
def home(request):
    return render(
        request,
        "news/home.html",
        {
            "articles": selectors.home_articles(),
            "topics": selectors.topics(),
            "alternates": alternates_for(lambda lang: _url_in(lang, "news:home")),
        },
    )


@query_params("page", "only")
@require_safe
def all_news(request):
    language = current_language()
    only_written = request.GET.get("only") == language
    page = selectors.listing_page(
        request.GET.get("page"), language=language if only_written else None
    )
    return render(
        request,
        "news/listing.html",
        {
            "page_obj": page,
            "category": None,
            "only_written": only_written,
            "alternates": alternates_for(lambda lang: _url_in(lang, "news:all")),
        },
    )


@query_params("page", "only")
@require_safe
def category(request, category_slug):
    language = current_language()
    category = selectors.category_by_slug(category_slug, language)
    canonical_slug = category.slug_for(language)
    if category_slug != canonical_slug:
        return HttpResponsePermanentRedirect(category.get_absolute_url())
    only_written = request.GET.get("only") == language
    page = selectors.listing_page(
        request.GET.get("page"), category=category, language=language if only_written else None
    )
    return render(
        request,
        "news/listing.html",
        {
            "page_obj": page,
            "category": category,
            "only_written": only_written,
            "alternates": alternates_for(
                lambda lang: _url_in(lang, "news:category", category_slug=category.slug_for(lang))
            ),
        },
    )


@query_params("page")
@require_safe
def topic(request, tag_slug):
    """A topic's or a place's news, newest first."""
    language = current_language()
    tag = selectors.tag_by_slug(tag_slug, language)
    if tag_slug != tag.slug_for(language):
        return HttpResponsePermanentRedirect(tag.get_absolute_url())
    page = selectors.listing_page(request.GET.get("page"), tag=tag)
    return render(
        request,
        "news/topic.html",
        {
            "page_obj": page,
            "tag": tag,
            "alternates": alternates_for(
                lambda lang: _url_in(lang, "news:topic", tag_slug=tag.slug_for(lang))
            ),
        },
    )


@query_params()
@require_safe
def topics(request):
    """Every topic and place with news, with how many articles each has."""
    return render(
        request,
        "news/topics.html",
        {
            "topics": selectors.topics(),
            "alternates": alternates_for(lambda lang: _url_in(lang, "news:topics")),
        },
    )


@require_safe
def article_redirect(request, pk):
    article = selectors.article_for_reader(pk)
    return HttpResponsePermanentRedirect(article.get_absolute_url())


@query_params()
@require_safe
def article(request, pk, slug):
    is_staff = request.user.is_staff
    article = selectors.article_for_reader(pk, preview=is_staff)
    language = current_language()
    if slug != article.slug_for(language):
        return HttpResponsePermanentRedirect(article.get_absolute_url())
    preview = not article.is_public
    # The article may come from a per-version cache; its count is always read fresh,
    # before this view is counted (count_view says how many to add to it).
    view_count = article.view_count if preview else selectors.stored_view_count(article.pk)
    # Staff reading the site are checking it, not reading it: they are never counted.
    counted = view_counts.count_view(article, request, preview=preview or is_staff)
    written = article.languages
    shown = article.original_language(language)
    # The two sidebars never show one article twice, nor the article being read. Only
    # the newest articles leave the latest news out of the shared block every page has.
    newest = selectors.latest_articles()
    latest = [item for item in newest if item.pk != article.pk]
    response = render(
        request,
        "news/article.html",
        {
            "article": article,
            # count_view says how many views to add: this one and any still buffered.
            "view_count": view_count + counted,
            "latest_articles": latest,
            "latest_shortened": len(latest) < len(newest),
            "related": search.related_articles(
                article, language, exclude=[item.pk for item in latest]
            ),
            "tags": selectors.article_tags(article),
            "neighbours": selectors.neighbours(article),
            "notices": selectors.withdrawal_notices(article),
            "preview": preview,
            "shown_language": shown,
            "canonical_url": article.get_absolute_url(shown),
            # Per article and content version, like the article itself.
            "alternates": cached_locally(
                f"article_alternates:{article.pk}",
                lambda: alternates_for(
                    article.get_absolute_url, languages=written or LANGUAGE_CODES
                ),
            ),
        },
    )
    if preview:
        response["Cache-Control"] = "no-store"
    else:
        # The page cache counts this article's views when it serves the page itself.
        view_counts.mark_for_page_cache(response, article)
    return response


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


@query_params("page")
@require_safe
def archive(request, year=None, month=None, category_slug=None):
    """The archive: every month with its count, a year's months, or a month's news."""
    if year is not None and not selectors.valid_period(year, month):
        raise Http404("No such month")
    language = current_language()
    category, canonical_slug = _archive_category(language, category_slug)
    period = {key: value for key, value in (("year", year), ("month", month)) if value}
    if canonical_slug:
        return HttpResponsePermanentRedirect(_archive_url(language, category, **period))
    alternates = alternates_for(lambda lang: _archive_url(lang, category, **period))
    years = selectors.archive_years(category)
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
    context["page_obj"] = selectors.archive_page(request.GET.get("page"), year, month, category)
    context["months_of_year"] = next((entry[1] for entry in years if entry[0] == year), [])
    return render(request, "news/archive_month.html", context)


@query_params()
@require_safe
def feeds_page(request):
    """What a feed is and the addresses of ours: where the footer's RSS link leads, since
    a browser shows a feed itself as raw XML (Chromium no longer applies XSL)."""
    return render(
        request,
        "news/feeds.html",
        {
            "topics": selectors.topics(),
            "alternates": alternates_for(lambda lang: _url_in(lang, "news:feeds")),
        },
    )


@query_params()
@require_safe
def feed_stylesheet(request):
    """The XSL stylesheet feeds name, so a browser opening a feed shows a page that
    says what a feed is, in the page's language, and lists its news."""
    response = render(request, "news/feed.xsl", content_type="text/xsl; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
