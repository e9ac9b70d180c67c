"""Queue a background job once the transaction commits; in this process when no broker is set.

A job queued in a transaction that rolls back never runs. When the broker cannot be
reached, the job is not lost: every message waits in the outbox, and the next sweep
(alerts.tasks.dispatch_outbox, every minute) queues it again.
"""

import functools
import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs):
    """Send `task` to the workers after the current transaction commits (at once if none)."""
    transaction.on_commit(functools.partial(_send, task, args, kwargs))


def _send(task, args, kwargs):
    try:
        task.apply_async(args, kwargs)
    except Exception as error:  # the broker is down: the outbox sweep queues it later
        logger.warning("job %s not queued: %s", task.name, error)
