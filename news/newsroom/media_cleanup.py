"""Deleting an article or a gallery photo deletes its image files and renditions."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from news.models import Article, ArticlePhoto
from news.newsroom import images


@receiver(post_delete, sender=Article)
@receiver(post_delete, sender=ArticlePhoto)
def remove_image_files(sender, instance, **kwargs):
    images.delete_all_files(instance)
