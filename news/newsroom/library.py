"""The photo library: photos described and credited once, shown in any article's gallery.

A gallery photo chosen from the library shows the library photo's own stored file and
renditions (nothing is copied or re-encoded); a photo uploaded into a gallery joins the
library the same way. A file lives while any row names it (news.newsroom.images). A
library photo that galleries show cannot be deleted (PROTECT); the refusal names the
articles.
"""

from news.models import LANGUAGE_CODES, Article, Photo

TEXTS = ("alt", "caption", "credit")


def texts_for(photo, cleaned):
    """The gallery form's texts with the library photo's where the editor left them empty."""
    filled = {}
    for field in TEXTS:
        for code in LANGUAGE_CODES:
            name = f"{field}_{code}"
            if not (cleaned.get(name) or "").strip():
                filled[name] = getattr(photo, name)
    return filled


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
    """The articles whose galleries show any of `photos`."""
    return Article.objects.filter(photos__source__in=photos).distinct().order_by("pk")
