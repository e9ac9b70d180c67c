from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        # Signal receivers and registrations, connected once the models are loaded.
        from news import signals, view_counts
        from news.newsroom import media_cleanup, revisions  # noqa: F401

        signals.connect()
        view_counts.connect()
