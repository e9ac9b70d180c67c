"""modeltranslation registrations, nothing else."""

from modeltranslation.translator import TranslationOptions, register

from news.models import Article, ArticlePhoto, Category, Tag


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "slug")


@register(Tag)
class TagTranslation(TranslationOptions):
    fields = ("name", "slug")


@register(Article)
class ArticleTranslation(TranslationOptions):
    fields = ("title", "slug", "lead", "body", "photo_alt", "change_note", "withdrawn_reason")


@register(ArticlePhoto)
class ArticlePhotoTranslation(TranslationOptions):
    fields = ("alt", "caption")
