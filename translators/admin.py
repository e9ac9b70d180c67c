"""Translators in the admin: profiles, the import log, the glossary, and a way in to the
workspace."""

from django.contrib import admin
from django.shortcuts import redirect

from translators import access
from translators.models import GlossaryTerm, ImportLog, TranslationBoard, TranslatorProfile


@admin.register(TranslatorProfile)
class TranslatorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "target_language"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    """Read-only: the record of who imported what is not for editing."""

    list_display = ["created_at", "user", "file_name", "target_language", "unit_count"]
    list_select_related = ["user"]
    list_filter = ["target_language"]
    readonly_fields = [field.name for field in ImportLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return access.can_translate(request.user) or super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return access.can_translate(request.user) or super().has_module_permission(request)


@admin.register(TranslationBoard)
class TranslationBoardAdmin(admin.ModelAdmin):
    """Puts "Translation status" on the admin index; it opens the workspace."""

    def has_module_permission(self, request):
        return access.can_translate(request.user)

    def has_view_permission(self, request, obj=None):
        return access.can_translate(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect("translators:board")


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    """Editors keep the glossary (the model's permissions); translators read it in the
    editor, next to the text that uses a term."""

    list_display = ["term_az", "term_en", "category", "required", "note"]
    list_filter = ["category", "required"]
    search_fields = ["term_az", "term_en", "note"]
