"""Concurrent readers of one page, each thread with its own client and connection."""

import threading

from django.db import connections
from django.test import Client

from tests.conftest import READER_UA


def read_concurrently(url, threads_count, per_thread):
    """GET `url` from `threads_count` threads at once, `per_thread` times each.

    Returns the statuses that were not 200, so a test can assert there were none.
    """
    barrier = threading.Barrier(threads_count)
    failures = []

    def read():
        client = Client(HTTP_USER_AGENT=READER_UA)
        barrier.wait()
        try:
            for _ in range(per_thread):
                status = client.get(url).status_code
                if status != 200:
                    failures.append(status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=read) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures
