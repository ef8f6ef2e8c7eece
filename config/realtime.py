"""Live pushes over the channel layer: a nicety on top of what the database already holds.

Code that changes something a socket shows (a leaderboard, a classroom feed) calls
`group_send_after_commit`: the push leaves only once the change is committed, and when the
channel layer (Redis) is down it is skipped with a logged warning, never failing the request.
"""

import logging

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
