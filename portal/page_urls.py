"""Language-prefixed site pages that are not news."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from portal import views

urlpatterns = [
    path(pgettext_lazy("url", "pages/<int:pk>/<str:slug>/"), views.static_page, name="page"),
]
