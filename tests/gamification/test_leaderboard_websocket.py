"""WS /ws/leaderboard/ through the project's ASGI application (JWT in the query string): the
standings on connect, a push after another learner's XP, a learner's own first XP of the week
joining live, the refusals and the end of the week."""

import asyncio
import threading

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone
from django.utils.timezone import now
from freezegun import freeze_time

from accounts.services import token_pair_issue
from accounts.websocket import CLOSE_UNAUTHORIZED
from config.asgi import application
from gamification import consumers
from gamification.services import xp_award
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 5


def async_to_sync(function):
    """Runs the coroutine function in a thread of its own: the session's browser fixture keeps
    an event loop running in the main thread, where asgiref's async_to_sync refuses to run."""

    def call():
        outcome = {}

        def target():
            try:
                outcome["value"] = asyncio.run(function())
            except BaseException as error:
                outcome["error"] = error

        thread = threading.Thread(target=target)
        thread.start()
        thread.join(60)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    return call


def award(user, amount, source_id):
    return database_sync_to_async(xp_award)(
        user=user, amount=amount, source="bonus", source_id=source_id, at=timezone.now()
    )


def socket_for(user) -> WebsocketCommunicator:
    token = token_pair_issue(user=user).access
    return WebsocketCommunicator(application, f"/ws/leaderboard/?token={token}")


async def opened(user) -> tuple[WebsocketCommunicator, dict]:
    communicator = await database_sync_to_async(socket_for)(user)
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    return communicator, await communicator.receive_json_from(timeout=TIMEOUT)


def ranking(message) -> list[tuple[str, int, int]]:
    return [(row["username"], row["xp"], row["rank"]) for row in message["standings"]]


def test_connect_sends_the_standings_then_pushes_another_learners_xp():
    learner, rival = UserFactory.create_batch(2)

    async def run():
        await award(learner, 20, "a")
        communicator, first = await opened(learner)
        await award(rival, 30, "b")
        pushed = await communicator.receive_json_from(timeout=TIMEOUT)
        await communicator.disconnect()
        return first, pushed

    first, pushed = async_to_sync(run)()

    assert first["type"] == "standings"
    assert first["league"] == "bronze"
    assert ranking(first) == [(learner.username, 20, 1)]
    assert set(first) == {
        "type",
        "league",
        "week_start",
        "week_end",
        "standings",
        "promote_up_to",
        "demote_from",
    }
    assert first["week_start"].endswith("T00:00:00Z")
    assert pushed["type"] == "standings"
    assert ranking(pushed) == [(rival.username, 30, 1), (learner.username, 20, 2)]


def test_a_learner_without_a_cohort_gets_null_standings_and_joins_live():
    learner, rival = UserFactory.create_batch(2)

    async def run():
        await award(rival, 5, "r1")
        communicator, first = await opened(learner)
        await award(learner, 10, "l1")  # their first XP of the week: they join rival's cohort
        joined = await communicator.receive_json_from(timeout=TIMEOUT)
        await award(rival, 10, "r2")  # the socket now follows the cohort
        after = await communicator.receive_json_from(timeout=TIMEOUT)
        await communicator.disconnect()
        return first, joined, after

    first, joined, after = async_to_sync(run)()

    assert (first["league"], first["standings"]) == (None, [])
    assert joined["league"] == "bronze"
    assert ranking(joined) == [(learner.username, 10, 1), (rival.username, 5, 2)]
    assert ranking(after) == [(rival.username, 15, 1), (learner.username, 10, 2)]


def test_an_opted_out_learner_is_told_there_is_no_standing():
    hidden = UserFactory(leaderboard_opt_out=True)

    async def run():
        await award(hidden, 10, "h")
        communicator, first = await opened(hidden)
        nothing = await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()
        return first, nothing

    first, nothing = async_to_sync(run)()

    assert (first["league"], first["standings"], nothing) == (None, [], True)


def _closed_with(query: str) -> dict:
    async def run():
        communicator = WebsocketCommunicator(application, f"/ws/leaderboard/{query}")
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        assert connected
        return await communicator.receive_output(timeout=TIMEOUT)

    return async_to_sync(run)()


def test_a_missing_or_bad_token_is_closed_with_4401():
    refused = {"type": "websocket.close", "code": CLOSE_UNAUTHORIZED}

    assert _closed_with("") == refused
    assert _closed_with("?token=not-a-jwt") == refused


def test_an_expired_token_is_closed_with_4401(settings):
    user = UserFactory()
    with freeze_time(now() - settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] * 2):
        token = token_pair_issue(user=user).access

    assert _closed_with(f"?token={token}") == {"type": "websocket.close", "code": 4401}


def test_the_socket_closes_with_4410_when_the_week_is_over(monkeypatch):
    monkeypatch.setattr(consumers, "_seconds_until", lambda moment: 0.05)
    learner = UserFactory()

    async def run():
        communicator, _first = await opened(learner)
        return await communicator.receive_output(timeout=TIMEOUT)

    assert async_to_sync(run)() == {"type": "websocket.close", "code": consumers.CLOSE_WEEK_OVER}
