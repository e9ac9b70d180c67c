"""The newsroom in the Django admin."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from news.models import Article, Category, Tag


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):
    list_display = ["name", "order"]


@admin.register(Tag)
class TagAdmin(TranslationAdmin):
    list_display = ["name"]


@admin.register(Article)
class ArticleAdmin(TranslationAdmin):
    list_display = ["title", "category", "status", "published_at", "view_count"]
    list_filter = ["status", "category"]
    date_hierarchy = "published_at"
