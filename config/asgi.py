"""HTTP goes to Django; WebSockets go to Channels behind JWT authentication.

There is no Origin check on WebSockets: they authenticate with a bearer token in the query string,
never with an ambient cookie, so a foreign page cannot ride a learner's session (and mobile
clients send no Origin at all).
"""

import os
import warnings

from django.core.asgi import get_asgi_application

# Files (static ones through WhiteNoise, media through config/media.py) are served with a sync
# iterator, which Django's ASGI handler then reads in a thread: correct, and fine for files this
# size, but Django warns at each process's first file, which reads like an error to a newcomer.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators", category=Warning
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import re_path  # noqa: E402

from accounts.websocket import JWTAuthMiddleware  # noqa: E402
from config.routing import NoRouteConsumer, websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": JWTAuthMiddleware(
            # Last: URLRouter raises on a path nothing matches, which the server turns into a 500.
            URLRouter([*websocket_urlpatterns, re_path(r"", NoRouteConsumer.as_asgi())])
        ),
    }
)
