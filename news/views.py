"""Reader pages: thin views over the selectors, one template each."""

from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import override
from django.views.decorators.http import require_safe

from news import selectors, services
from news.cache import cached_locally
from news.i18n import LANGUAGE_CODES, current_language
from portal.seo import alternates_for


def _url_in(language, name, **kwargs):
    with override(language):
        return reverse(name, kwargs=kwargs)


@require_safe
def home(request):
    return render(
        request,
        "news/home.html",
        {
            "articles": selectors.home_articles(),
            "alternates": alternates_for(lambda lang: _url_in(lang, "news:home")),
        },
    )


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


@require_safe
def article_redirect(request, pk):
    article = selectors.article_for_reader(pk)
    return HttpResponsePermanentRedirect(article.get_absolute_url())


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
    counted = services.count_view(article, request, preview=preview or is_staff)
    written = article.languages
    shown = article.original_language(language)
    response = render(
        request,
        "news/article.html",
        {
            "article": article,
            # count_view says how many views to add: this one and any still buffered.
            "view_count": view_count + counted,
            "related": selectors.related_articles(article),
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
        response.counts_views_of = article.pk
    return response
