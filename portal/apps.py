from django.apps import AppConfig

from core import caching


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        # The composition root wires the apps together: its own content models bump
        # the content version, and each new version gets its shared pieces built.
        from portal import warmup  # noqa: PLC0415 - imports the news models
        from portal.models import Document, SiteSettings, StaticPage  # noqa: PLC0415 - models

        caching.watch_models(SiteSettings, StaticPage, Document)
        caching.version_committed.connect(warmup.warm, dispatch_uid="portal.warmup")
