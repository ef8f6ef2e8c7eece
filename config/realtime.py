"""Live pushes over the channel layer: a nicety on top of what the database already holds.

Code that changes something a socket shows (a leaderboard, a classroom feed) calls
`group_send_after_commit`: the push leaves only once the change is committed, and when the
channel layer (Redis) is down it is skipped with a logged warning, never failing the request.

For pushes on a hot path (an XP award reaches a whole league cohort), `group_send_background`
hands the sends to one daemon event loop per process and returns at once: `group_send` runs each
send through `async_to_sync`, which from a plain thread starts a thread, an event loop and a Redis
connection per call and waits for it (a few milliseconds on every award, and up to the connect
timeout while Redis is unreachable), while the background loop keeps one connection pool alive.
When sends pile up (Redis stalled) beyond MAX_PENDING, new ones are dropped with a warning rather
than held in memory. Only for the Redis channel layer: the in-memory layer of the embedded default
keeps queues bound to the server's own loop, so there the sends go through `group_send`.
"""

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def group_send(*, group: str, message: dict) -> bool:
    """Sends at once; False when the push was skipped."""
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        # Whatever the layer's failure (Redis down, a full channel, a timeout), a live push is
        # never worth failing the request that caused it: the client sees it on its next read.
        logger.warning("Live push skipped: the channel layer failed.", exc_info=True)
        return False
    return True


def group_send_after_commit(*, group: str, message: dict) -> None:
    """Sends once the current transaction commits (at once outside one); never raises."""
    transaction.on_commit(lambda: group_send(group=group, message=message))


MAX_PENDING = 1000

_lock = threading.Lock()
_state: dict = {"loop": None, "thread": None, "pending": 0}
_futures: set = set()


def _loop() -> asyncio.AbstractEventLoop:
    with _lock:
        thread = _state["thread"]
        if thread is None or not thread.is_alive():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="live-push", daemon=True)
            thread.start()
            _state.update(loop=loop, thread=thread, pending=0)
        return _state["loop"]


async def _send(layer, sends: list[tuple[str, dict]], then: Callable[[], Any] | None) -> None:
    try:
        for group, message in sends:
            await layer.group_send(group, message)
    except Exception:
        logger.warning("Live push skipped: the channel layer failed.", exc_info=True)
    finally:
        with _lock:
            _state["pending"] -= 1
    if then is not None:
        # After the sends, in a worker thread: blocking work that must not delay them.
        await asyncio.get_running_loop().run_in_executor(None, then)


def group_send_background(
    *, sends: list[tuple[str, dict]], then: Callable[[], Any] | None = None
) -> bool:
    """Queues the sends ((group, message) pairs) and returns at once (True), or sends them now
    on a layer other than Redis; False when they were dropped. `then` (blocking work that needs
    no database, such as a Redis write) runs after the sends, off the caller's thread."""
    layer = get_channel_layer()
    if layer is None or not type(layer).__module__.startswith("channels_redis"):
        # Every send is tried, whatever the previous one did.
        results = [group_send(group=group, message=message) for group, message in sends]
        if then is not None:
            then()
        return layer is not None and all(results)
    loop = _loop()
    with _lock:
        if _state["pending"] >= MAX_PENDING:
            dropped = True
        else:
            dropped = False
            _state["pending"] += 1
    if dropped:
        logger.warning("Live push dropped: %s sends are already waiting.", MAX_PENDING)
        return False
    future = asyncio.run_coroutine_threadsafe(_send(layer, sends, then), loop)
    with _lock:
        _futures.add(future)
    future.add_done_callback(_forget)
    return True


def _forget(future) -> None:
    with _lock:
        _futures.discard(future)


def publisher_flush(timeout: float = 5.0) -> None:
    """Waits until what was queued so far is sent (tests, and a process about to exit)."""
    with _lock:
        waiting = list(_futures)
    concurrent.futures.wait(waiting, timeout=timeout)


def group_send_wait(*, group: str, message: dict, timeout: float = 5.0) -> None:
    """Sends through the same loop and waits for the send (the benchmark's bare baseline)."""
    layer = get_channel_layer()
    with _lock:
        _state["pending"] += 1
    asyncio.run_coroutine_threadsafe(_send(layer, [(group, message)], None), _loop()).result(
        timeout
    )
