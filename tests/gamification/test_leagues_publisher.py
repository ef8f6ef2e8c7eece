"""Live pushes leave the XP request: a channel layer that stalls holds no award, and sends that
pile up are dropped rather than kept (the Redis channel layer, where the background loop runs)."""

import asyncio
import logging
import threading
from datetime import UTC, datetime

import pytest
from channels_redis.core import RedisChannelLayer

from config import realtime as publisher
from gamification.services import xp_award
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

NOW = datetime(2025, 3, 12, 12, tzinfo=UTC)


@pytest.fixture
def stalled_layer(monkeypatch):
    """Every group_send blocks until `release` is set (5 s at most, so that a regression fails
    rather than hangs); `started` says one began, `finished` that one ended."""
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    async def stalled(self, group, message):
        started.set()
        for _ in range(500):
            if release.is_set():
                break
            await asyncio.sleep(0.01)
        finished.set()

    monkeypatch.setattr(RedisChannelLayer, "group_send", stalled)
    yield started, release, finished
    release.set()
    publisher.publisher_flush()


def test_an_award_returns_while_its_push_is_stuck_in_the_channel_layer(
    stalled_layer, django_capture_on_commit_callbacks
):
    started, _release, finished = stalled_layer
    learner = UserFactory()
    xp_award(user=learner, amount=5, source="bonus", source_id="join", at=NOW)

    with django_capture_on_commit_callbacks(execute=True):
        event = xp_award(user=learner, amount=5, source="bonus", source_id="raise", at=NOW)

    assert event is not None
    assert not finished.is_set()  # the award came back while its push was stuck
    assert started.wait(5)  # which is under way, in the background


def test_sends_piling_up_are_dropped_with_a_warning(stalled_layer, monkeypatch, caplog):
    started, _release, _finished = stalled_layer
    monkeypatch.setattr(publisher, "MAX_PENDING", 1)
    message = {"type": "standing.raised", "cohort": 1, "user": 1, "xp": 1, "reached_at": ""}

    assert publisher.group_send_background(sends=[("league-cohort-1", message)]) is True
    assert started.wait(5)
    with caplog.at_level(logging.WARNING):
        assert publisher.group_send_background(sends=[("league-cohort-1", message)]) is False

    assert any("dropped" in record.getMessage() for record in caplog.records)
