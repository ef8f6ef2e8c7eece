"""How the cache, the channel layer and the Celery broker talk to Redis, and fail when it is down.

Redis only speeds things up or carries what can be dropped (throttle counts, live pushes), so an
outage must cost neither a 500 nor a hanging request: connections give up within a second, cache
reads and writes fail open (django-redis IGNORE_EXCEPTIONS: a read misses, a write is skipped) and
the warning is logged once a minute by `config.log_filters.OncePerInterval`, not once per call.
Settings call these builders; tests call them too, to run the production configuration against
a port where nothing listens.
"""

# Redis answers within milliseconds on a healthy network; a second means it is not there.
CONNECT_TIMEOUT_SECONDS = 1.0
# Bounds one cache command, so a Redis that accepts but stalls cannot hold a request either.
COMMAND_TIMEOUT_SECONDS = 1.0
# Logger of django-redis's "Exception ignored" records (DJANGO_REDIS_LOGGER).
CACHE_LOGGER = "config.cache"


def cache_config(url: str) -> dict:
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "lingua",
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": CONNECT_TIMEOUT_SECONDS,
            "SOCKET_TIMEOUT": COMMAND_TIMEOUT_SECONDS,
        },
    }


def channel_layer_config(url: str) -> dict:
    # Only the connect timeout: a consumer's receive blocks on Redis for seconds by design.
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": url, "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS}]},
    }


def broker_transport_options() -> dict:
    return {"socket_connect_timeout": CONNECT_TIMEOUT_SECONDS}
