"""The photo library: photos described and credited once, shown in any article's gallery.

A gallery photo chosen from the library shows the library photo's own stored file and
renditions (nothing is copied or re-encoded); a photo uploaded into a gallery joins the
library the same way. A file lives while any row names it (news.newsroom.images). A
library photo that galleries show cannot be deleted (PROTECT); the refusal names the
articles. An article's main photo works the same way (`Article.library_photo`): chosen
from the library, or uploaded and joining it.
"""

from django.db.models import Q

from news.models import LANGUAGE_CODES, Article, Photo

TEXTS = ("alt", "caption", "credit")


def texts_for(photo, cleaned, prefix=""):
    """The form's texts with the library photo's where the editor left them empty.

    `prefix` is "photo_" for an article's main photo (photo_alt_az, photo_caption_az, …).
    """
    filled = {}
    for field in TEXTS:
        for code in LANGUAGE_CODES:
            name = f"{prefix}{field}_{code}"
            if not (cleaned.get(name) or "").strip():
                filled[name] = getattr(photo, f"{field}_{code}")
    return filled


def show_main(article, photo):
    """Make an article's main photo a library photo: its file, size and renditions."""
    article.library_photo = photo
    article.photo = photo.image.name
    article.photo_width, article.photo_height = photo.width, photo.height
    article.photo_renditions = photo.renditions


def add_main(article):
    """A main photo uploaded on the article form joins the library, sharing its file."""
    photo = Photo.objects.create(
        width=article.photo_width,
        height=article.photo_height,
        renditions=article.photo_renditions,
        **{
            f"{field}_{code}": getattr(article, f"photo_{field}_{code}", "") or ""
            for field in TEXTS
            for code in LANGUAGE_CODES
        },
    )
    Photo.objects.filter(pk=photo.pk).update(image=article.photo.name)
    photo.image = article.photo.name
    Article.objects.filter(pk=article.pk).update(library_photo=photo)
    article.library_photo = photo
    return photo


def show(gallery_photo, photo):
    """Make a gallery photo show a library photo: its file, size and renditions."""
    gallery_photo.source = photo
    gallery_photo.image = photo.image.name
    gallery_photo.width, gallery_photo.height = photo.width, photo.height
    gallery_photo.renditions = photo.renditions


def add(gallery_photo):
    """A photo uploaded into a gallery joins the library, sharing its file and texts."""
    texts = {
        f"{field}_{code}": getattr(gallery_photo, f"{field}_{code}", "") or ""
        for field in TEXTS
        for code in LANGUAGE_CODES
    }
    # Created without the image, then named by UPDATE: the ImageField would read the file
    # again for its size, which the gallery photo already knows.
    photo = Photo.objects.create(
        width=gallery_photo.width,
        height=gallery_photo.height,
        renditions=gallery_photo.renditions,
        **texts,
    )
    Photo.objects.filter(pk=photo.pk).update(image=gallery_photo.image.name)
    photo.image = gallery_photo.image.name
    type(gallery_photo).objects.filter(pk=gallery_photo.pk).update(source=photo)
    gallery_photo.source = photo
    return photo


def articles_showing(photos):
    """The articles whose galleries or main photos show any of `photos`."""
    return (
        Article.objects.filter(Q(photos__source__in=photos) | Q(library_photo__in=photos))
        .distinct()
        .order_by("pk")
    )
