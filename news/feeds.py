"""RSS 2.0 and Atom feeds per language: all news, each category's and each topic's.

Feed instances are shared by every request, so they keep no per-request state: the
category or topic, and whether only articles written in the feed's language are
wanted (`?only=en`), travel as the feed's object. Items are published() articles
only, with titles and descriptions falling back to the other language as pages do;
an entry in another language than the feed's says so (`xml:lang`). Each feed names
an XSL stylesheet (news.views.feed_stylesheet), so a browser shows a readable page.

The rendered feed is cached per content version (core.caching.cached), keyed by its
kind, language, scope and the site's scheme and host (the entries carry absolute
addresses): a warm feed runs no query, and a publish shows at once, because it moves
the version.
"""

import mimetypes
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.http import http_date
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.caching import cached
from core.i18n import current_language
from core.text import plain_text
from news import selectors
from news.models import Article

FEED_SIZE = 20
DESCRIPTION_WORDS = 60


@dataclass(frozen=True)
class Scope:
    """What a feed lists: all news, a category's or a topic's; `only` a language."""

    category: object = None
    tag: object = None
    only: str = ""

    @property
    def subject(self):
        return self.category or self.tag


class LanguageMarkedRss(Rss201rev2Feed):
    def item_attributes(self, item):
        attributes = super().item_attributes(item)
        if item.get("entry_language"):
            attributes["xml:lang"] = item["entry_language"]
        return attributes


class LanguageMarkedAtom(Atom1Feed):
    def item_attributes(self, item):
        attributes = super().item_attributes(item)
        if item.get("entry_language"):
            attributes["xml:lang"] = item["entry_language"]
        return attributes


class NewsFeed(Feed):
    # The page cache keys feeds by their path and `only` (core.caching.query_params).
    page_cache_params = frozenset({"only"})

    feed_type = LanguageMarkedRss
    # `language` stays unset: Django then uses the active language, the URL's prefix.

    def get_object(self, request, category_slug=None, tag_slug=None):
        language = current_language()
        only = language if request.GET.get("only") == language else ""
        if category_slug is not None:
            return Scope(category=selectors.category_by_slug(category_slug, language), only=only)
        if tag_slug is not None:
            return Scope(tag=selectors.tag_by_slug(tag_slug, language), only=only)
        return Scope(only=only)

    def __call__(self, request, *args, **kwargs):
        # Django's Feed.__call__, with the rendered bytes cached. get_object runs first,
        # so an unknown category or topic is a 404 and never an entry.
        scope = self.get_object(request, *args, **kwargs)

        def render():
            feed = self.get_feed(scope, request)
            modified = http_date(feed.latest_post_date().timestamp())
            return feed.content_type, modified, feed.writeString("utf-8").encode()

        key = ":".join(
            [
                "feed",
                type(self).__name__,
                current_language(),
                request.build_absolute_uri("/"),
                f"c{scope.category.pk}" if scope.category else "",
                f"t{scope.tag.pk}" if scope.tag else "",
                scope.only,
            ]
        )
        content_type, modified, body = cached(key, render)
        response = HttpResponse(body, content_type=content_type)
        response.headers["Last-Modified"] = modified
        return response

    def stylesheets(self):
        return [reverse("news:feed_stylesheet")]

    def title(self, scope):
        site = _("State Committee for Affairs of Refugees and IDPs")
        if scope.subject is None:
            return f"{_('News')} · {site}"
        return f"{scope.subject.text('name')} · {site}"

    def link(self, scope):
        return scope.subject.get_absolute_url() if scope.subject else reverse("news:home")

    def description(self, scope):
        return _(
            "News of the State Committee for Affairs of Refugees and Internally Displaced "
            "Persons of the Republic of Azerbaijan."
        )

    def feed_copyright(self):
        return _("State Committee for Affairs of Refugees and Internally Displaced Persons")

    def items(self, scope):
        articles = (
            Article.objects.published()
            .select_related("category")
            .defer("search_az", "search_en", "translation_fingerprints", "photo_renditions")
        )
        if scope.category is not None:
            articles = articles.filter(category_id=scope.category.pk)
        if scope.tag is not None:
            articles = articles.filter(tags=scope.tag)
        if scope.only:
            articles = articles.written_in(scope.only)
        return articles[:FEED_SIZE]

    def item_title(self, article):
        return str(article.text("title"))

    def item_description(self, article):
        lead = str(article.text("lead"))
        if lead:
            return lead
        return Truncator(plain_text(article.text("body").text)).words(DESCRIPTION_WORDS)

    def item_link(self, article):
        return article.get_absolute_url()

    def item_guid(self, article):
        # The id URL never changes when an editor rewrites the title and slug;
        # get_feed() makes it absolute.
        return reverse("news:article_short", kwargs={"pk": article.pk})

    item_guid_is_permalink = False

    def item_extra_kwargs(self, article):
        shown = article.original_language(current_language())
        return {"entry_language": shown if shown != current_language() else ""}

    def item_enclosures(self, article):
        """The article's photo, for readers that show one with each entry."""
        if not article.photo:
            return []
        try:
            length = article.photo.size
        except OSError:  # the file is missing: the entry goes without
            return []
        kind = mimetypes.guess_type(article.photo.name)[0] or "image/jpeg"
        return [Enclosure(article.photo.url, str(length), kind)]

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        for item in feed.items:
            item["unique_id"] = request.build_absolute_uri(item["unique_id"])
            for enclosure in item.get("enclosures") or []:
                enclosure.url = request.build_absolute_uri(enclosure.url)
        return feed

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return max(article.updated_at, article.published_at)

    def item_categories(self, article):
        return [str(article.category.text("name"))]


class AtomNewsFeed(NewsFeed):
    feed_type = LanguageMarkedAtom

    def subtitle(self, scope):
        return self.description(scope)

    # Atom needs an author for every entry; the Committee is the feed's author.
    def author_name(self):
        return _("State Committee for Affairs of Refugees and Internally Displaced Persons")

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["author_link"] = request.build_absolute_uri(reverse("news:home"))
        return feed
