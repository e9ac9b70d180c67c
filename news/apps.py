from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        # Signal receivers and registrations, connected once the models are loaded.
        from news import signals, view_counts  # noqa: PLC0415 - they import the models
        from news.newsroom import media_cleanup, revisions  # noqa: F401, PLC0415 - as above
        from news.search import checks  # noqa: F401, PLC0415 - as above

        signals.connect()
        view_counts.connect()
