"""Deleting an article, a gallery photo or a library photo deletes its image files and
renditions, unless another row still names the same file (news.newsroom.images)."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from news.models import Article, ArticlePhoto, Photo
from news.newsroom import images


@receiver(post_delete, sender=Article)
@receiver(post_delete, sender=ArticlePhoto)
@receiver(post_delete, sender=Photo)
def remove_image_files(sender, instance, **kwargs):
    images.delete_all_files(instance)
