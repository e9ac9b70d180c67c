"""Site-wide content in the admin: settings, static pages, appeals."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from portal.models import Appeal, Document, SiteSettings, StaticPage


@admin.register(SiteSettings)
class SiteSettingsAdmin(TranslationAdmin):
    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class DocumentInline(TranslationTabularInline):
    model = Document
    extra = 0


@admin.register(StaticPage)
class StaticPageAdmin(TranslationAdmin):
    list_display = ["title", "menu_order", "show_in_menu", "is_published"]
    inlines = [DocumentInline]


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["reference", "subject", "name", "created_at", "is_handled"]
    list_filter = ["is_handled"]
    readonly_fields = ["reference", "name", "email", "phone", "subject", "message", "language"]
