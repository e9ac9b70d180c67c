"""Fill the database with a realistic, repeatable benchmark data set (100,000 articles by default).

Run it against a database of its own (`make bench` names one): it refuses a database
whose name does not contain "bench" unless told otherwise. Rows go in with
bulk_create in batches, with every field that Article.save() would compute
(sanitised body, slugs, written languages, folded search text) computed here the same
way, so pages and search see data shaped like the real thing. A marker tag records the
seed and size; a second run with the same arguments finds it and does nothing.
"""

import datetime
import random
import sys
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from core.sanitizer import sanitize_html
from core.text import slugify_az, transliterate
from news.demo_photos import draw_photo
from news.models import LANGUAGE_CODES, Article, Category, DailyViews, Tag

# Bump when the generated data changes shape, so an old data set is not re-used.
DATA_VERSION = 3
BATCH = 2000
PHOTO_FILES = 6
RECENT_DAYS = 30
# Share of articles per category order (1, 2, 3): the first is big enough for page 2,000.
CATEGORY_WEIGHTS = [0.5, 0.3, 0.2]

WORDS_AZ = str.split(
    "komitə məcburi köçkün qaçqın ailə mənzil tədbir görüş rayon şəhər kənd yaşayış "
    "kompleks təhvil sənəd dövlət proqram sosial müdafiə nümayəndə iştirak müraciət "
    "xidmət sədr müavin regional bölmə torpaq qayıdış bərpa quruculuq məktəb uşaq "
    "gənclər səhiyyə təminat yardım layihə tikinti açılış mərasim respublika prezident "
    "sərəncam"
)
WORDS_EN = str.split(
    "committee displaced refugee family housing event meeting district city village "
    "residential complex handover document state programme social protection "
    "representative participation appeal service chairman deputy regional unit land "
    "return restoration reconstruction school children youth health support aid "
    "project construction opening ceremony republic president decree"
)


PLACES_AZ = str.split(
    "Xankəndi Şuşa Ağdam Füzuli Laçın Kəlbəcər Zəngilan Cəbrayıl Qubadlı Bakı Gəncə "
    "Sumqayıt Mingəçevir Şirvan Naxçıvan Lənkəran Şəki Yevlax Bərdə Tərtər Ağcabədi "
    "Beyləqan Goranboy Xocalı Xocavənd Quba Qusar Qəbələ İsmayıllı Göyçay"
)
PLACES_EN = str.split(
    "Khankendi Shusha Aghdam Fuzuli Lachin Kalbajar Zangilan Jabrayil Gubadli Baku Ganja "
    "Sumgayit Mingachevir Shirvan Nakhchivan Lankaran Shaki Yevlakh Barda Tartar Aghjabadi "
    "Beylagan Goranboy Khojaly Khojavend Guba Gusar Gabala Ismayilli Goychay"
)
SYLLABLES = str.split("ba lə qa şə ri mü dan kən zi ov ar lı çi gö yev tar bi sə nu ra el də mi")
RARE_WORDS = 4000


def zipf(count):
    """Cumulative Zipf weights: the n-th item is n times rarer than the first."""
    total, weights = 0.0, []
    for rank in range(1, count + 1):
        total += 1 / rank
        weights.append(total)
    return weights


class Vocabulary:
    """Words as text really uses them: a few very common, a long tail of rare ones,
    so a search term matches a realistic share of the archive, not all of it."""

    def __init__(self, seed, common, places, ascii_only=False):
        rng = random.Random(seed)
        self.common, self.common_weights = common, zipf(len(common))
        syllables = [transliterate(s) for s in SYLLABLES] if ascii_only else SYLLABLES
        rare = set()
        while len(rare) < RARE_WORDS:
            rare.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
        self.rare = sorted(rare)
        rng.shuffle(self.rare)
        self.rare_weights = zipf(len(self.rare))
        self.places, self.place_weights = places, zipf(len(places))

    def words(self, rng, count):
        common = rng.choices(self.common, cum_weights=self.common_weights, k=count)
        rare = rng.choices(self.rare, cum_weights=self.rare_weights, k=count)
        return [c if rng.random() < 0.6 else r for c, r in zip(common, rare, strict=True)]

    def place(self, rng):
        return rng.choices(self.places, cum_weights=self.place_weights)[0]


VOCABULARY = {
    "az": Vocabulary(1, WORDS_AZ, PLACES_AZ),
    "en": Vocabulary(2, WORDS_EN, PLACES_EN, ascii_only=True),
}


def sentence(rng, vocabulary, low=8, high=16):
    words = vocabulary.words(rng, rng.randint(low, high))
    if rng.random() < 0.05:
        words[rng.randrange(len(words))] = vocabulary.place(rng)
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def paragraphs(rng, vocabulary, count):
    return "".join(
        f"<p>{' '.join(sentence(rng, vocabulary) for _ in range(rng.randint(2, 4)))}</p>"
        for _ in range(count)
    )


def title(rng, vocabulary):
    """A headline that names a place, as the committee's headlines do."""
    words = vocabulary.words(rng, rng.randint(4, 9))
    words.insert(rng.randrange(len(words) + 1), vocabulary.place(rng))
    text = " ".join(words)
    return text[0].upper() + text[1:]


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, total, label):
        self.total, self.label, self.started = total, label, time.monotonic()

    def update(self, done):
        width = 30
        filled = int(width * done / max(self.total, 1))
        elapsed = time.monotonic() - self.started
        sys.stderr.write(
            f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
            f"{done:,}/{self.total:,} {elapsed:5.1f}s"
        )
        sys.stderr.flush()

    def finish(self):
        self.update(self.total)
        sys.stderr.write("\n")


class Command(BaseCommand):
    help = "Generate the benchmark data set (seeded, bulk inserts, re-used when already there)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--any-database",
            action="store_true",
            help="Allow a database whose name does not contain 'bench'.",
        )

    def handle(self, *args, articles, years, seed, any_database, **options):
        name = str(connection.settings_dict["NAME"])
        if "bench" not in name and not any_database:
            raise CommandError(f"Refusing to fill database {name!r}: its name lacks 'bench'.")
        marker = f"bench-data v{DATA_VERSION} seed={seed} articles={articles} years={years}"
        if Tag.objects.filter(name_en=marker).exists():
            self.stdout.write(f"Benchmark data already present ({marker}).")
            return
        if Article.objects.count() > 1000:
            raise CommandError(
                "The database holds other articles (another data set or version): "
                f"drop it (dropdb {name}) and run again."
            )
        call_command("load_demo", stdout=self.stdout)
        started = time.monotonic()
        rng = random.Random(seed)
        photos = self._photos()
        categories = list(Category.objects.order_by("order", "id")[:3])
        self._articles(rng, articles, years, categories, photos)
        self._daily_views(rng)
        with transaction.atomic():
            Tag(name_az=marker, name_en=marker).save()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                # Fresh statistics and a visibility map (index-only scans need it), so
                # plans are the ones production sees.
                cursor.execute("VACUUM ANALYZE news_article")
                cursor.execute("VACUUM ANALYZE news_searchentry")
                cursor.execute("VACUUM ANALYZE news_dailyviews")
        self.stdout.write(
            f"Generated {articles:,} articles in {time.monotonic() - started:.0f}s ({marker})."
        )

    def _photos(self):
        """A few photo files shared by many articles, instead of thousands of uploads."""
        files = []
        for index in range(PHOTO_FILES):
            name = f"bench/photo-{index}.jpg"
            if not default_storage.exists(name):
                name = default_storage.save(name, ContentFile(draw_photo(100 + index)))
            files.append(name)
        return files

    def _article(self, rng, now, age, categories, photos):
        roll = rng.random()
        if roll < 0.01:
            status = Article.Status.DRAFT
        elif roll < 0.015:
            status = Article.Status.WITHDRAWN
        else:
            status = Article.Status.PUBLISHED
        published_at = now - age
        if rng.random() < 0.001:  # a few scheduled ones
            published_at = now + datetime.timedelta(days=rng.randint(1, 30))
        category = rng.choices(categories, weights=CATEGORY_WEIGHTS[: len(categories)])[0]
        only_az = rng.random() < 0.2
        article = Article(
            category_id=category.pk,
            status=status,
            published_at=published_at,
            source_language="az",
            view_count=int(rng.paretovariate(1.2) * 50),
        )
        article.created_at = article.updated_at = published_at
        az, en = VOCABULARY["az"], VOCABULARY["en"]
        article.title_az = title(rng, az)
        article.lead_az = sentence(rng, az)
        article.body_az = paragraphs(rng, az, rng.randint(3, 6))
        if not only_az:
            article.title_en = title(rng, en)
            article.lead_en = sentence(rng, en)
            article.body_en = paragraphs(rng, en, rng.randint(3, 6))
        if rng.random() < 0.3:
            article.photo.name = rng.choice(photos)
            article.photo_width, article.photo_height = 1200, 750
            article.photo_alt_az = "Dağlar və günəş"
            article.photo_alt_en = "Hills and the sun"
        if status == Article.Status.WITHDRAWN:
            article.withdrawn_at = published_at + datetime.timedelta(days=1)
            article.withdrawn_reason_az = "Məlumat yenilənib."
            article.withdrawn_reason_en = "The information was updated."
        self._prepare(article)
        return article

    @staticmethod
    def _prepare(article):
        """What Article.save() computes, without a save per row."""
        for code in LANGUAGE_CODES:
            setattr(article, f"body_{code}", sanitize_html(getattr(article, f"body_{code}") or ""))
            if article.has_text("title", code):
                setattr(article, f"slug_{code}", slugify_az(getattr(article, f"title_{code}")))
        # modeltranslation's original columns hold the default language's value.
        for field in ("title", "slug", "lead", "body", "photo_alt", "withdrawn_reason"):
            setattr(article, field, getattr(article, f"{field}_{settings.LANGUAGE_CODE}") or "")
        article.written_languages = " ".join(article.compute_languages())
        article.search_az = article._search_document("az")
        article.search_en = article._search_document("en")

    def _articles(self, rng, total, years, categories, photos):
        now = timezone.now()
        # Oldest first, as a newsroom publishes them: rows (and search entries) lie on
        # disk in date order, as they do in a real archive.
        span = years * 365 * 24 * 3600
        ages = sorted((rng.randint(0, span) for _ in range(total)), reverse=True)
        progress = Progress(total, "articles")
        done = 0
        while done < total:
            size = min(BATCH, total - done)
            batch = [
                self._article(
                    rng, now, datetime.timedelta(seconds=ages[done + index]), categories, photos
                )
                for index in range(size)
            ]
            with transaction.atomic():
                Article.objects.bulk_create(batch)
            done += size
            progress.update(done)
        progress.finish()

    def _daily_views(self, rng):
        """Views per day for the most recent articles, so "most read" has data."""
        today = timezone.localdate()
        recent = list(
            Article.objects.published()
            .order_by("-published_at")
            .values_list("id", flat=True)[: RECENT_DAYS * 100]
        )
        progress = Progress(len(recent), "daily views")
        rows = []
        for index, article_id in enumerate(recent, 1):
            for back in range(RECENT_DAYS):
                if rng.random() < 0.5:
                    rows.append(
                        DailyViews(
                            article_id=article_id,
                            day=today - datetime.timedelta(days=back),
                            count=rng.randint(1, 400),
                        )
                    )
            if len(rows) >= BATCH * 5:
                DailyViews.objects.bulk_create(rows)
                rows = []
                progress.update(index)
        DailyViews.objects.bulk_create(rows)
        progress.finish()
