"""RSS 2.0 and Atom feeds per language: all news, and each category's news.

Feed instances are shared by every request, so they keep no per-request state: the
category travels as the feed's object. Items are published() articles only, with
titles and descriptions falling back to the other language as pages do.
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.i18n import current_language
from news import selectors
from news.models import Article

FEED_SIZE = 20
DESCRIPTION_WORDS = 60


class NewsFeed(Feed):
    # The page cache keys feeds by their path alone (core.caching.query_params).
    page_cache_params = frozenset()

    feed_type = Rss201rev2Feed
    # `language` stays unset: Django then uses the active language, the URL's prefix.

    def get_object(self, request, category_slug=None):
        if category_slug is None:
            return None
        return selectors.category_by_slug(category_slug, current_language())

    def title(self, category):
        site = _("State Committee for Affairs of Refugees and IDPs")
        if category is None:
            return f"{_('News')} · {site}"
        return f"{category.text('name')} · {site}"

    def link(self, category):
        return category.get_absolute_url() if category else reverse("news:home")

    def description(self, category):
        return _(
            "News of the State Committee for Affairs of Refugees and Internally Displaced "
            "Persons of the Republic of Azerbaijan."
        )

    def feed_copyright(self):
        return _("State Committee for Affairs of Refugees and Internally Displaced Persons")

    def items(self, category):
        articles = (
            Article.objects.published()
            .select_related("category")
            .defer("search_az", "search_en", "translation_fingerprints", "photo_renditions")
        )
        if category is not None:
            articles = articles.filter(category_id=category.pk)
        return articles[:FEED_SIZE]

    def item_title(self, article):
        return str(article.text("title"))

    def item_description(self, article):
        lead = str(article.text("lead"))
        if lead:
            return lead
        return Truncator(strip_tags(article.text("body").text)).words(DESCRIPTION_WORDS)

    def item_link(self, article):
        return article.get_absolute_url()

    def item_guid(self, article):
        # The id URL never changes when an editor rewrites the title and slug;
        # get_feed() makes it absolute.
        return reverse("news:article_short", kwargs={"pk": article.pk})

    item_guid_is_permalink = False

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        for item in feed.items:
            item["unique_id"] = request.build_absolute_uri(item["unique_id"])
        return feed

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return max(article.updated_at, article.published_at)

    def item_categories(self, article):
        return [str(article.category.text("name"))]


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed

    def subtitle(self, category):
        return self.description(category)
