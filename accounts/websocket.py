"""WebSocket authentication: the access token rides in the query string, `?token=<access>`.

Browsers cannot set headers on a WebSocket, hence the query string. The token passes the same
checks as on HTTP (`SessionJWTAuthentication`: signature, expiry, a live session, an active
user). Without a good token the connection is accepted and at once closed with code 4401: a
handshake refused outright reaches a browser as a bare failure, while a close code tells the
client to refresh its token and reconnect.
"""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken

from accounts.authentication import SessionJWTAuthentication
from accounts.models import User

CLOSE_UNAUTHORIZED = 4401


def _token_from_query(query_string: bytes) -> str | None:
    values = parse_qs(query_string.decode("latin-1")).get("token")
    return values[0] if values else None


@database_sync_to_async
def _user_for_token(raw_token: str) -> User | None:
    authentication = SessionJWTAuthentication()
    try:
        return authentication.get_user(authentication.get_validated_token(raw_token))
    except (InvalidToken, AuthenticationFailed):
        return None


async def _refuse(receive, send) -> None:
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": CLOSE_UNAUTHORIZED})


class JWTAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await super().__call__(scope, receive, send)
        raw_token = _token_from_query(scope.get("query_string", b""))
        user = await _user_for_token(raw_token) if raw_token else None
        if user is None:
            return await _refuse(receive, send)
        return await super().__call__({**scope, "user": user}, receive, send)
