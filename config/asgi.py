"""HTTP goes to Django's WSGI handler on a pool of threads (config/serving.py says why);
WebSockets go to Channels behind JWT authentication; one port and one process serve both.

There is no Origin check on WebSockets: they authenticate with a bearer token in the query string,
never with an ambient cookie, so a foreign page cannot ride a learner's session (and mobile
clients send no Origin at all).
"""

import gc
import os

from django.core.asgi import get_asgi_application
from django.core.handlers.wsgi import WSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Django must be set up before anything imports models (get_asgi_application does it); its ASGI
# handler itself serves nothing here.
get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import re_path  # noqa: E402

from accounts.websocket import JWTAuthMiddleware  # noqa: E402
from config.routing import NoRouteConsumer, websocket_urlpatterns  # noqa: E402
from config.serving import WSGIBridge, lifespan  # noqa: E402

http_application = WSGIBridge(WSGIHandler(), threads=settings.WEB_THREADS)


async def _lifespan(scope, receive, send):
    await lifespan(scope, receive, send, on_shutdown=http_application.shutdown)


application = ProtocolTypeRouter(
    {
        "http": http_application,
        "lifespan": _lifespan,
        "websocket": JWTAuthMiddleware(
            # Last: URLRouter raises on a path nothing matches, which the server turns into a 500.
            URLRouter([*websocket_urlpatterns, re_path(r"", NoRouteConsumer.as_asgi())])
        ),
    }
)

# Everything loaded so far lives as long as the process: out of the collector's sight, so its
# full collections walk only what requests allocate. A 300-lesson course path allocates enough
# to set them off often, and each walked the whole of Django while holding the GIL (p95 of
# `GET courses/{slug}/` under `bench_serving`: 99 ms before, 35 ms after). Garbage first, so
# none is kept for good.
gc.collect()
gc.freeze()
