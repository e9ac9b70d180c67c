"""Flushers writing overlapping batches at once add every view and never deadlock."""

import random
import threading

import pytest
from django.db import connection, connections

from news.models import Article
from news.view_counts.store import record_many
from tests.factories import ArticleFactory
from tests.services import missing


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_flushes_of_overlapping_batches_add_up_without_a_deadlock():
    if connection.vendor != "postgresql":
        missing("PostgreSQL")
    articles = [ArticleFactory().pk for _ in range(400)]
    rounds, writers = 8, 4
    written = []
    errors = []

    def flush_batches(seed):
        chooser = random.Random(seed)
        try:
            for _ in range(rounds):
                # Batches share most of their articles, as two workers' batches do.
                chosen = chooser.sample(articles, chooser.randrange(50, 350))
                record_many({(pk, "2026-12-01"): 1 for pk in chosen})
                written.append(len(chosen))
        except Exception as error:  # a deadlock is raised here
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=flush_batches, args=(seed,)) for seed in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    total = sum(Article.objects.filter(pk__in=articles).values_list("view_count", flat=True))
    assert total == sum(written)
