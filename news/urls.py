from django.urls import path, register_converter
from django.utils.translation import pgettext_lazy

from news import feeds, views
from news.converters import MonthConverter
from news.search import views as search_views

register_converter(MonthConverter, "mm")

app_name = "news"

urlpatterns = [
    path("", views.home, name="home"),
    path("news/", views.all_news, name="all"),
    path("news/<int:pk>/", views.article_redirect, name="article_short"),
    path("news/<int:pk>/<str:slug>/", views.article, name="article"),
    path(pgettext_lazy("url", "search/"), search_views.search_page, name="search"),
    path(pgettext_lazy("url", "archive/"), views.archive, name="archive"),
    path(
        pgettext_lazy("url", "archive/<int:year>/"),
        views.archive,
        name="archive_year",
    ),
    path(
        pgettext_lazy("url", "archive/<int:year>/<mm:month>/"),
        views.archive,
        name="archive_month",
    ),
    path(pgettext_lazy("url", "topics/"), views.topics, name="topics"),
    path(pgettext_lazy("url", "topics/<slug:tag_slug>/"), views.topic, name="topic"),
    path(
        pgettext_lazy("url", "topics/<slug:tag_slug>/rss/"), feeds.NewsFeed(), name="topic_feed_rss"
    ),
    path(
        pgettext_lazy("url", "topics/<slug:tag_slug>/atom/"),
        feeds.AtomNewsFeed(),
        name="topic_feed_atom",
    ),
    path("feed.xsl", views.feed_stylesheet, name="feed_stylesheet"),
    path(pgettext_lazy("url", "feeds/"), views.feeds_page, name="feeds"),
    path("rss/", feeds.NewsFeed(), name="feed_rss"),
    path("atom/", feeds.AtomNewsFeed(), name="feed_atom"),
    path("<slug:category_slug>/rss/", feeds.NewsFeed(), name="category_feed_rss"),
    path("<slug:category_slug>/atom/", feeds.AtomNewsFeed(), name="category_feed_atom"),
    path(
        pgettext_lazy("url", "<slug:category_slug>/archive/"),
        views.archive,
        name="category_archive",
    ),
    path(
        pgettext_lazy("url", "<slug:category_slug>/archive/<int:year>/"),
        views.archive,
        name="category_archive_year",
    ),
    path(
        pgettext_lazy("url", "<slug:category_slug>/archive/<int:year>/<mm:month>/"),
        views.archive,
        name="category_archive_month",
    ),
    # Last: any other single segment is a category slug.
    path("<slug:category_slug>/", views.category, name="category"),
]
