"""The learner web client: one page whose scripts talk to the public API and the WebSocket only.

No Python app is imported here (DESIGN.md: learn uses no Python app), so the client can never lean
on anything a mobile client could not have.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(*, websocket_origin: str) -> str:
    """Scripts, styles and fonts from this site only, no inline script, no framing.

    Media (audio, images) may live on a storage host of its own (django-storages): its origin,
    when MEDIA_URL names one, is allowed for images and audio. WebSockets go to this host:
    'self' covers ws:/wss: to the same host in current browsers.
    """
    media = " ".join(filter(None, ["'self'", _origin(settings.MEDIA_URL), "data:"]))
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {media}",
            f"media-src {media}",
            f"connect-src 'self' {websocket_origin}",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


@require_safe
def client(request):
    # The API's base from the URL configuration, not written into the scripts.
    api_base = reverse("v1:me").removesuffix("me/")
    response = render(request, "learn/index.html", {"api_base": api_base})
    scheme = "wss" if request.is_secure() else "ws"
    response["Content-Security-Policy"] = content_security_policy(
        websocket_origin=f"{scheme}://{request.get_host()}"
    )
    # The page holds tokens in memory once signed in: never let another site embed it.
    response["Referrer-Policy"] = "same-origin"
    return response
