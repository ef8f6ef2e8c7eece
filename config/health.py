"""Liveness and readiness for load balancers and orchestrators."""

import logging
import uuid

from asgiref.sync import async_to_sync
from celery import current_app
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

from config.api.error_codes import ApiErrorCode

logger = logging.getLogger(__name__)


def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    # The cache fails open (a write is skipped, a read misses), so ask Redis itself for the reason.
    client = getattr(cache, "client", None)
    if hasattr(client, "get_client"):
        client.get_client(write=True).ping()
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was written")
    cache.delete(key)


def _check_channel_layer() -> None:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.send)(channel, {"type": "readyz.ping"})
    if async_to_sync(layer.receive)(channel).get("type") != "readyz.ping":
        raise RuntimeError("channel layer did not return what was sent")


def _check_broker() -> None:
    # The filesystem broker of the embedded default has no server to be down.
    if settings.CELERY_BROKER_URL.split(":", 1)[0] in {"filesystem", "memory"}:
        return
    with current_app.connection_for_write() as conn:
        # One retry at once: kombu's default pause before it would hold /readyz for seconds.
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)


CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "channel_layer": _check_channel_layer,
    "broker": _check_broker,
}


def readyz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:
            logger.warning("Readiness check %s failed: %s", name, exc)
            results[name] = "down"
        else:
            results[name] = "ok"
    down = sorted(name for name, state in results.items() if state != "ok")
    if down:
        return JsonResponse(
            {
                "status": "unavailable",
                "checks": results,
                "error": {"code": ApiErrorCode.NOT_READY, "message": f"Down: {', '.join(down)}."},
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "checks": results})
