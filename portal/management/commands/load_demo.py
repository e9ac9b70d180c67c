"""Load the demo content. Idempotent: a second run finds everything and changes nothing."""

import datetime
import random
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction

from core.text import search_text, slugify_az
from news import demo_data, newsroom
from news.demo_photos import draw_photo
from news.models import Article, ArticlePhoto, Category, Tag
from portal.demo_documents import load_documents
from portal.models import SiteSettings, StaticPage

BAKU = ZoneInfo("Asia/Baku")


class Command(BaseCommand):
    help = "Load the committee's demo news, categories, pages and quote banner (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        categories = self._categories()
        created = self._articles(categories)
        self._tags()
        self._settings()
        self._pages()
        load_documents()
        self.stdout.write(f"Demo content ready ({created} new articles).")

    def _categories(self):
        categories = {}
        for key, order, name_az, name_en in demo_data.CATEGORIES:
            category = Category.objects.filter(slug_az=slugify_az(name_az)).first()
            if category is None:
                category = Category(order=order, name_az=name_az, name_en=name_en)
                category.save()
            categories[key] = category
        return categories

    def _articles(self, categories):
        created = 0
        entries = [
            (
                demo_data.KHANKENDI["date"],
                demo_data.KHANKENDI["category"],
                demo_data.KHANKENDI["title_az"],
                demo_data.KHANKENDI["title_en"],
                None,
            ),
            *demo_data.ARTICLES,
        ]
        for index, (day, category_key, title_az, title_en, only) in enumerate(entries):
            source = only or ("en" if not title_az else "az")
            key = slugify_az(title_az or title_en)
            if Article.objects.filter(**{f"slug_{source}": key}).exists():
                continue
            published_at = datetime.datetime.fromisoformat(day).replace(hour=11, tzinfo=BAKU)
            article = Article(
                category=categories[category_key],
                status=Article.Status.PUBLISHED,
                published_at=published_at,
                source_language=source,
                view_count=random.Random(index).randint(120, 1900),
            )
            if index == 0:
                article.title_az, article.title_en = title_az, title_en
                article.body_az = demo_data.KHANKENDI["body_az"]
                article.body_en = demo_data.KHANKENDI["body_en"]
                article.view_count = demo_data.KHANKENDI["views"]
            else:
                if only != "en":
                    article.title_az = title_az
                    article.body_az = (
                        f"<p>{title_az}.</p><p>Tədbirdə Dövlət Komitəsinin əməkdaşları, "
                        "məcburi köçkün icmalarının nümayəndələri və ictimaiyyət "
                        "nümayəndələri iştirak ediblər.</p>"
                    )
                if only != "az":
                    article.title_en = title_en
                    article.body_en = (
                        f"<p>{title_en}.</p><p>Staff of the State Committee, representatives "
                        "of IDP communities and members of the public took part.</p>"
                    )
            article.photo_alt_az = "Dağlar və günəş: tədbirə aid illüstrasiya"
            article.photo_alt_en = "Hills and the sun: an illustration for the event"
            if index % 3 == 0:
                name = f"demo-{index}.jpg"
                # Named, so Django reads the photo's size into its columns.
                article.photo.save(name, ContentFile(draw_photo(index), name=name), save=False)
            article.save()
            # Demo photos get their renditions like uploads do (made once, here).
            newsroom.refresh_renditions(article)
            if index == 0:
                self._gallery(article)
            created += 1
        return created

    def _gallery(self, article):
        """A small gallery on the Khankendi article, so readers meet the gallery viewer."""
        for number, (caption_az, caption_en) in enumerate(demo_data.GALLERY, start=1):
            photo = ArticlePhoto(
                article=article,
                order=number,
                alt_az=f"Görüşdən foto {number}",
                alt_en=f"A photo from the meeting, {number}",
                caption_az=caption_az,
                caption_en=caption_en,
            )
            name = f"demo-gallery-{number}.jpg"
            photo.image.save(name, ContentFile(draw_photo(40 + number), name=name), save=False)
            photo.save()
            newsroom.refresh_renditions(photo)

    def _tags(self):
        """Topics and places on the demo articles (news.demo_data.TAGS), as an editor
        would choose them; an article already tagged is left as it is."""
        tags = []
        for kind, name_az, name_en, words in demo_data.TAGS:
            tag = Tag.objects.filter(slug_en=slugify_az(name_en)).first()
            if tag is None:
                tag = Tag(kind=kind, name_az=name_az, name_en=name_en)
                tag.save()
            tags.append((tag, [search_text(word) for word in words]))
        for article in Article.objects.filter(tags__isnull=True):
            text = search_text(
                " ".join(
                    str(getattr(article, f"{field}_{code}", "") or "")
                    for field in ("title", "body")
                    for code in ("az", "en")
                )
            ).split()
            chosen = [
                tag
                for tag, keys in tags
                if any(word.startswith(key) for word in text for key in keys)
            ]
            if chosen:
                article.tags.add(*chosen)

    def _settings(self):
        settings = SiteSettings.load()
        if not settings.quote_text_az:
            for field, value in demo_data.QUOTE.items():
                setattr(settings, field, value)
            settings.save()

    def _pages(self):
        for _key, order, title_az, title_en, body_az, body_en in demo_data.PAGES:
            if StaticPage.objects.filter(slug_en=slugify_az(title_en)).exists():
                continue
            StaticPage(
                menu_order=order,
                title_az=title_az,
                title_en=title_en,
                body_az=body_az,
                body_en=body_en,
            ).save()
