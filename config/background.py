"""Enqueueing Celery tasks from a request.

A request that needs a task calls `task_enqueue_after_commit` (or `task_enqueue`, when it must
know whether the task left, as the password reset does) rather than `.delay()`: the task leaves
only once the request's writes are committed (a worker must find what it is asked to process),
and with the broker (Redis) down the request still succeeds, with a warning logged once a
minute, instead of answering 500. Use it only for work that may be lost or is caught up later (a
beat job, a retry); what must happen belongs in the request's own transaction.
"""

import logging

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def task_enqueue(*, task: Task, args: tuple = (), kwargs: dict | None = None) -> bool:
    """Enqueues at once; False when the broker could not take it."""
    try:
        task.apply_async(args=args, kwargs=kwargs or {})
    except OperationalError:
        logger.warning("Task %s not enqueued: the broker is unreachable.", task.name, exc_info=True)
        return False
    return True


def task_enqueue_after_commit(*, task: Task, args: tuple = (), kwargs: dict | None = None) -> None:
    transaction.on_commit(lambda: task_enqueue(task=task, args=args, kwargs=kwargs))
