"""What an outage of Redis looks like in the log, and to code that pushes over the channel layer."""

import logging
import time

import pytest
from asgiref.sync import async_to_sync
from celery import Celery
from channels.layers import get_channel_layer
from django.db import transaction

from config import background, realtime, redis_settings
from config.log_filters import OncePerInterval

DOWN = "redis://127.0.0.1:6390/0"


def _record(msg="Exception ignored", level=logging.ERROR, exc=None) -> logging.LogRecord:
    exc_info = (type(exc), exc, None) if exc else None
    return logging.LogRecord("config.cache", level, __file__, 1, msg, (), exc_info)


def _failure() -> Exception:
    try:
        raise RuntimeError("wrapped") from ConnectionError("Error 111 connecting")
    except RuntimeError as exc:
        return exc


def test_one_line_warning_per_interval_then_the_count_of_what_was_held_back(monkeypatch):
    clock = iter([0.0, 1.0, 2.0, 61.0])
    monkeypatch.setattr("config.log_filters.time.monotonic", lambda: next(clock))
    only = OncePerInterval(seconds=60, message="Cache unreachable")

    first = _record(exc=_failure())
    assert only.filter(first) is True
    assert only.filter(_record(exc=_failure())) is False
    assert only.filter(_record(exc=_failure())) is False
    later = _record(exc=_failure())
    assert only.filter(later) is True

    assert first.getMessage() == "Cache unreachable (ConnectionError: Error 111 connecting)"
    assert (first.exc_info, first.levelno, first.levelname) == (None, logging.WARNING, "WARNING")
    assert later.getMessage().endswith("; 2 more in the last 60s not logged")


def test_different_messages_are_counted_apart():
    only = OncePerInterval()

    assert only.filter(_record("one")) is True
    assert only.filter(_record("two")) is True
    assert only.filter(_record("one")) is False


@pytest.mark.django_db(transaction=True)
def test_a_push_reaches_the_group_after_commit():
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("learners", channel)

    with transaction.atomic():
        realtime.group_send_after_commit(group="learners", message={"type": "hello"})

    assert async_to_sync(layer.receive)(channel) == {"type": "hello"}


@pytest.mark.django_db(transaction=True)
def test_a_push_with_the_channel_layer_down_is_skipped_with_a_warning(settings, caplog):
    settings.CHANNEL_LAYERS = {"default": redis_settings.channel_layer_config(DOWN)}

    with caplog.at_level(logging.WARNING, logger="config.realtime"):
        assert realtime.group_send(group="learners", message={"type": "hello"}) is False
        with transaction.atomic():
            realtime.group_send_after_commit(group="learners", message={"type": "hello"})

    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        "Live push skipped: the channel layer failed."
    ]


@pytest.fixture
def down_task():
    """A task of an app of its own whose broker is down (the project's runs tasks eagerly)."""
    app = Celery("down", broker=DOWN, set_as_current=False)
    app.conf.broker_transport_options = redis_settings.broker_transport_options()

    @app.task(name="tests.noop")
    def noop():
        return None

    return noop


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_with_the_broker_down_is_skipped_with_a_warning(down_task, caplog):
    with caplog.at_level(logging.WARNING, logger="config.background"):
        started = time.monotonic()
        assert background.task_enqueue(task=down_task) is False
        with transaction.atomic():
            background.task_enqueue_after_commit(task=down_task)

    assert time.monotonic() - started < 5
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        "Task tests.noop not enqueued: the broker is unreachable."
    ]


@pytest.mark.django_db(transaction=True)
def test_a_task_is_enqueued_only_after_commit(down_task, monkeypatch):
    sent = []
    monkeypatch.setattr(down_task, "apply_async", lambda **kw: sent.append(kw))

    with transaction.atomic():
        background.task_enqueue_after_commit(task=down_task, args=(1,))
        assert sent == []

    assert sent == [{"args": (1,), "kwargs": {}}]
