"""The listening end of `bench_leaderboard_push`, run in a process of its own (spawned: it sets
Django up itself, so this module imports nothing of the project at the top)."""

import asyncio
import time

WAIT_SECONDS = 30


def clock() -> float:
    # CLOCK_MONOTONIC is one clock for every process of the machine: the listener's receipt
    # times compare with the sender's.
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def listen(user_id: int, database: str, received, ready) -> None:
    """A cohort member's WebSocket, in a process of its own (as a socket is served by another
    worker than the request that awards XP): puts each message's receipt time in `received`,
    until a message with `"bench_stop"`; puts an error's text instead when it fails."""
    import django

    django.setup()
    from channels.db import database_sync_to_async
    from channels.testing import WebsocketCommunicator
    from django.contrib.auth import get_user_model
    from django.db import connections

    from gamification.consumers import LeaderboardConsumer

    # The sender's database, which under tests is not the one the settings name.
    connections["default"].settings_dict["NAME"] = database

    async def run():
        # The consumer as the server runs it, past authentication: a token checks the login at
        # connect only, and each process of a test run signs with a key of its own.
        user = await database_sync_to_async(get_user_model().objects.get)(pk=user_id)
        communicator = WebsocketCommunicator(LeaderboardConsumer.as_asgi(), "/ws/leaderboard/")
        communicator.scope["user"] = user
        connected, _ = await communicator.connect(timeout=WAIT_SECONDS)
        if not connected:
            raise RuntimeError("The leaderboard socket refused the connection.")
        first = await communicator.receive_json_from(timeout=WAIT_SECONDS)
        if first.get("league") is None:
            raise RuntimeError("The listener has no cohort this week.")
        ready.set()
        while True:
            try:
                message = await communicator.receive_json_from(timeout=WAIT_SECONDS)
            except TimeoutError:
                # A consumer that failed surfaces only here: report its error, not the silence.
                if communicator.future.done() and communicator.future.exception():
                    raise communicator.future.exception() from None
                raise
            if message.get("bench_stop"):
                break
            received.put(clock())
        await communicator.disconnect()

    try:
        asyncio.run(run())
    except BaseException as error:
        received.put(f"{type(error).__name__}: {error}")
        ready.set()
