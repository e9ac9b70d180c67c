from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslatorsConfig(AppConfig):
    name = "translators"
    verbose_name = _("Translations")

    def ready(self):
        from translators import tracking  # noqa: PLC0415 - imports translators.models

        tracking.connect()
