"""The readers' alert pages (inside /az/ and /en/) and the staff's newsroom e-mail switch."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from alerts import views

app_name = "alerts"

urlpatterns = [
    path(pgettext_lazy("url", "alerts/"), views.subscribe, name="subscribe"),
    path(pgettext_lazy("url", "alerts/sent/"), views.subscribe_sent, name="subscribe_sent"),
    path(pgettext_lazy("url", "alerts/confirm/<str:token>/"), views.confirm, name="confirm"),
    path(pgettext_lazy("url", "alerts/manage/<str:token>/"), views.manage, name="manage"),
    path(
        pgettext_lazy("url", "alerts/unsubscribe/<str:token>/"),
        views.unsubscribe,
        name="unsubscribe",
    ),
]

staff_urlpatterns = [
    path("", views.newsroom_mail, name="newsroom_mail"),
]
