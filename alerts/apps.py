from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("E-mail and alerts")

    def ready(self):
        # Receivers: the newsroom's events and articles going live become e-mail.
        from alerts import receivers  # noqa: PLC0415 - imports the models

        receivers.connect()
