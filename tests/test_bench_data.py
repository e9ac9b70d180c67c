"""The benchmark's data generator and the runner's report, on a small scale.

The benchmark itself (gunicorn + wrk) is never run by the suite: speed is measured by
`make bench`, not by timed tests.
"""

import datetime
import importlib.util
import random
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from news.management.commands.bench_data import Command
from news.models import Article, Category, DailyViews

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def generated(db):
    """The generated articles (the demo content the generator loads first left out)."""
    call_command("load_demo")
    last_demo = Article.objects.order_by("-id").values_list("id", flat=True).first()
    call_command("bench_data", articles=60, years=2, seed=7, any_database=True)
    return Article.objects.filter(pk__gt=last_demo)


@pytest.mark.django_db
def test_it_refuses_a_database_not_named_for_the_benchmark():
    with pytest.raises(CommandError, match="lacks 'bench'"):
        call_command("bench_data", articles=10)


def test_generated_rows_are_what_save_would_store(generated):
    sample = list(generated.order_by("-id")[:40])
    for article in sample:
        stored = {
            field: getattr(article, field)
            for field in [
                "written_languages",
                "search_az",
                "search_en",
                "slug_az",
                "slug_en",
                "body_az",
                "body_en",
            ]
        }
        article.save()
        article.refresh_from_db()
        for field, value in stored.items():
            assert getattr(article, field) == value, (article.pk, field)


def test_the_mix_is_realistic(generated):
    bench = generated
    total = bench.count()
    assert total == 60
    only_az = bench.filter(written_languages="az").count()
    assert 0.1 * total < only_az < 0.3 * total
    assert bench.filter(written_languages="az en").count() == total - only_az
    with_photo = bench.exclude(photo="")
    assert 0 < with_photo.count() < total
    assert all(
        default_storage.exists(name) for name in set(with_photo.values_list("photo", flat=True))
    )
    assert set(bench.values_list("category", flat=True)) <= set(
        Category.objects.values_list("pk", flat=True)
    )
    oldest = bench.order_by("published_at").first().published_at
    assert (timezone.now() - oldest).days > 180
    assert bench.filter(view_count__gt=0).exists()
    assert DailyViews.objects.exists()
    assert Article.objects.published().count() > 0.9 * total


def test_a_second_run_reuses_the_data(generated, capsys):
    before = Article.objects.count()
    call_command("bench_data", articles=60, years=2, seed=7, any_database=True)
    assert Article.objects.count() == before
    assert "already present" in capsys.readouterr().out


def test_generation_is_seeded():
    now = timezone.now()

    def titles(seed):
        rng = random.Random(seed)
        command = Command()
        categories = [Category(pk=1), Category(pk=2), Category(pk=3)]
        return [
            command._article(
                rng, now, datetime.timedelta(days=day), categories, ["bench/photo-0.jpg"]
            ).title_az
            for day in range(5)
        ]

    assert titles(3) == titles(3)
    assert titles(3) != titles(4)


def load_runner():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_row(rps, p50, p99, queries=1):
    return {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "bytes": 1000,
        "queries": queries,
        "spread": 0.04,
    }


def test_the_runner_judges_every_target_from_one_report():
    runner = load_runner()
    plain = {
        "home": fake_row(300, 5, 9),
        "listing p1": fake_row(300, 5, 9),
        "listing p2000": fake_row(280, 6, 12),
        "article": fake_row(150, 8, 20, queries=2),
        "search": fake_row(100, 10, 60, queries=2),
        "livez": fake_row(1000, 1, 2, queries=0),
    }
    cached = {name: dict(row, rps=900) for name, row in plain.items()}
    cached["livez"]["rps"] = 1000
    for rows in (plain, cached):
        for row in rows.values():
            row["ratio"] = row["rps"] / rows["livez"]["rps"]
    report = {
        "modes": {"no page cache": {"pages": plain}, "page cache": {"pages": cached}},
        "memory": {"growth_kb": {1: 300, 2: 9000}},
    }
    verdicts = {check["target"]: check["met"] for check in runner.verdicts(report)}
    assert verdicts["article without page cache >= 20% of floor"] is False
    assert verdicts["listing p1 without page cache >= 20% of floor"] is True
    assert verdicts["cached article >= 80% of floor"] is True
    assert verdicts["listing p2000 p50 within 1.5x of page 1 (no page cache)"] is True
    assert verdicts["search: p99 < 50 ms (no page cache)"] is False
    assert verdicts["worker memory flat (< 5 MB over the run, < 1 MB in its second half)"] is False
    table = runner.table("no page cache", plain)
    assert "listing p2000" in table
    assert "15%" in table
