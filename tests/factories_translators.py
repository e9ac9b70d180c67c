"""Translators, editors and gallery photos for the translation tests."""

import io

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from news.models import ArticlePhoto
from translators.models import TranslatorProfile

PASSWORD = "a-long-test-password-1"


def make_translator(username="translator", language="en"):
    """A staff user in the Translator group (created by the translators' migration)."""
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Translator"))
    TranslatorProfile.objects.create(user=user, target_language=language)
    return user


def make_superuser(username="chief"):
    return User.objects.create_superuser(username, password=PASSWORD)


def png_upload(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "#336699").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def make_photo(article, **texts):
    return ArticlePhoto.objects.create(article=article, image=png_upload(), **texts)


def in_english(client):
    """Admin pages answer in the browser's language; these tests read English messages."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def post_translation(client, url, data):
    """POST the editor form as a browser would: with the original's fingerprint it showed."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get(url).content, "html.parser")
    shown = page.select_one('input[name="sources"]')
    return client.post(url, {"sources": shown["value"] if shown else "", **data})
