from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        # The composition root wires the apps together: its own content models bump
        # the content version, and each new version gets its shared pieces built.
        from core import caching
        from portal import warmup
        from portal.models import Document, SiteSettings, StaticPage

        caching.watch_models(SiteSettings, StaticPage, Document)
        caching.version_committed.connect(warmup.warm, dispatch_uid="portal.warmup")
