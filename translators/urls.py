"""The workspace under /admin/translations/, behind the admin's own login."""

from django.contrib import admin
from django.urls import path

from translators import views

app_name = "translators"

urlpatterns = [
    path("", admin.site.admin_view(views.board), name="board"),
    path(
        "<slug:kind_key>/<int:pk>/<str:language>/",
        admin.site.admin_view(views.edit),
        name="edit",
    ),
    path("export/", admin.site.admin_view(views.export), name="export"),
    path("import/", admin.site.admin_view(views.import_file), name="import"),
    path("history/", admin.site.admin_view(views.own_history), name="history"),
]
