"""Language-prefixed site pages that are not news."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from portal import appeals, views

urlpatterns = [
    path(pgettext_lazy("url", "pages/<int:pk>/<str:slug>/"), views.static_page, name="page"),
    path(pgettext_lazy("url", "appeal/"), appeals.appeal, name="appeal"),
    path(pgettext_lazy("url", "appeal/sent/"), appeals.appeal_sent, name="appeal_sent"),
    path(pgettext_lazy("url", "appeal/status/"), appeals.appeal_status, name="appeal_status"),
]
