"""Root URLs: health checks and admin outside the language prefixes, pages inside."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from alerts import urls as alerts_urls
from portal import admin_site, media, sitemaps, views

urlpatterns = [
    path("livez", views.livez, name="livez"),
    path("readyz", views.readyz, name="readyz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap_section"),
    path("language/<str:code>/", views.switch_language, name="switch_language"),
    path("admin/translations/", include("translators.urls")),
    path(
        "admin/newsroom-mail/",
        include((alerts_urls.staff_urlpatterns, "alerts_staff"), namespace="alerts_staff"),
    ),
    path(
        "admin/language/",
        admin.site.admin_view(admin_site.set_admin_language),
        name="admin_language",
    ),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", include(("portal.page_urls", "portal"), namespace="portal")),
    path("", include("alerts.urls", namespace="alerts")),
    path("", include("news.urls", namespace="news")),
    prefix_default_language=True,
)

if settings.SERVE_MEDIA:
    # Uploaded files, in production too, with headers that keep them inert (portal.media).
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media.serve, name="media")
    )

handler403 = "portal.admin_site.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
