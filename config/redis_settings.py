"""How the cache, the channel layer and the Celery broker talk to Redis, and fail when it is down.

Redis only speeds things up or carries what can be dropped (throttle counts, live pushes), so an
outage must cost neither a 500 nor a hanging request: connections give up within a second (and,
for the cache, are not tried again for a few seconds after one failed), cache reads and writes
fail open (django-redis IGNORE_EXCEPTIONS: a read misses, a write is skipped) and
the warning is logged once a minute by `config.log_filters.OncePerInterval`, not once per call.
Settings call these builders; tests call them too, to run the production configuration against
a port where nothing listens.
"""

import threading
import time

import redis

# Redis answers within milliseconds on a healthy network; a second means it is not there.
CONNECT_TIMEOUT_SECONDS = 1.0
# Bounds one cache command, so a Redis that accepts but stalls cannot hold a request either.
COMMAND_TIMEOUT_SECONDS = 1.0
# Logger of django-redis's "Exception ignored" records (DJANGO_REDIS_LOGGER).
CACHE_LOGGER = "config.cache"


# After a failed connection, how long new connections to that server fail at once.
RETRY_AFTER_SECONDS = 5.0


class _FailFast:
    """A failed connect marks its server down for RETRY_AFTER_SECONDS, during which connecting
    fails at once: behind a firewall that drops packets, each cache call of each request would
    otherwise wait out the connect timeout."""

    _lock = threading.Lock()
    _down_until: dict[tuple[str, int], float] = {}

    def connect(self):
        if self._sock:
            return
        server = (self.host, self.port)
        if time.monotonic() < self._down_until.get(server, 0.0):
            raise redis.ConnectionError(f"Redis at {self.host}:{self.port} was just unreachable.")
        try:
            super().connect()
        except (redis.ConnectionError, redis.TimeoutError):
            with self._lock:
                self._down_until[server] = time.monotonic() + RETRY_AFTER_SECONDS
            raise


class FailFastConnection(_FailFast, redis.Connection):
    pass


class FailFastSSLConnection(_FailFast, redis.SSLConnection):
    pass


def cache_config(url: str) -> dict:
    options = {
        "IGNORE_EXCEPTIONS": True,
        "SOCKET_CONNECT_TIMEOUT": CONNECT_TIMEOUT_SECONDS,
        "SOCKET_TIMEOUT": COMMAND_TIMEOUT_SECONDS,
    }
    if url.startswith(("redis://", "rediss://")):  # not unix sockets: they fail at once anyway
        connection_class = FailFastSSLConnection if url.startswith("rediss") else FailFastConnection
        options["CONNECTION_POOL_KWARGS"] = {"connection_class": connection_class}
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "lingua",
        "OPTIONS": options,
    }


def channel_layer_config(url: str) -> dict:
    # Only the connect timeout: a consumer's receive blocks on Redis for seconds by design.
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": url, "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS}]},
    }


def broker_transport_options() -> dict:
    return {"socket_connect_timeout": CONNECT_TIMEOUT_SECONDS}
