"""JWTAuthMiddleware: WebSockets authenticate with `?token=<access>`, as HTTP does."""

import pytest
from asgiref.sync import async_to_sync
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.utils.timezone import now
from freezegun import freeze_time

from accounts.services import session_logout, token_pair_issue, token_refresh
from accounts.websocket import CLOSE_UNAUTHORIZED, JWTAuthMiddleware
from config.api.errors import ApplicationError

pytestmark = pytest.mark.django_db(transaction=True)


class WhoAmIConsumer(AsyncJsonWebsocketConsumer):
    """Test-only: greets the authenticated user by id."""

    async def connect(self):
        await self.accept()
        await self.send_json({"user": self.scope["user"].pk})


application = JWTAuthMiddleware(WhoAmIConsumer.as_asgi())


def connect(query: str = "") -> dict:
    """Connects, returns what the server sent first (the greeting or the close), disconnects."""

    async def run():
        communicator = WebsocketCommunicator(application, f"/ws/test/{query}")
        connected, _ = await communicator.connect()
        assert connected
        message = await communicator.receive_output()
        await communicator.disconnect()
        return message

    return async_to_sync(run)()


def greeting(user_id: int) -> dict:
    return {"type": "websocket.send", "text": f'{{"user": {user_id}}}'}


REFUSED = {"type": "websocket.close", "code": CLOSE_UNAUTHORIZED}


def test_a_valid_access_token_connects_as_its_user(user):
    pair = token_pair_issue(user=user)

    assert connect(f"?token={pair.access}") == greeting(user.pk)


def test_a_connection_without_a_token_is_closed_with_4401(user):
    assert connect() == REFUSED


def test_a_malformed_token_is_closed_with_4401(user):
    assert connect("?token=not-a-jwt") == REFUSED


def test_an_expired_token_is_closed_with_4401(user, settings):
    with freeze_time(now() - settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] * 2):
        pair = token_pair_issue(user=user)

    assert connect(f"?token={pair.access}") == REFUSED


def test_a_token_revoked_by_logout_is_closed_with_4401(user):
    pair = token_pair_issue(user=user)
    session_logout(refresh=pair.refresh)

    assert connect(f"?token={pair.access}") == REFUSED


def test_a_logout_still_closes_the_socket_after_the_cache_is_flushed(user):
    pair = token_pair_issue(user=user)
    session_logout(refresh=pair.refresh)

    cache.clear()

    assert connect(f"?token={pair.access}") == REFUSED


def test_a_replayed_refresh_token_closes_the_sockets_of_its_login(user):
    pair = token_pair_issue(user=user)
    rotated = token_refresh(refresh=pair.refresh)
    with pytest.raises(ApplicationError):
        token_refresh(refresh=pair.refresh)

    assert connect(f"?token={rotated.access}") == REFUSED


def test_a_socket_connects_with_the_cache_unreachable(user, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6390/0",
        }
    }
    pair = token_pair_issue(user=user)

    assert connect(f"?token={pair.access}") == greeting(user.pk)


def test_a_refresh_token_is_not_an_access_token(user):
    pair = token_pair_issue(user=user)

    assert connect(f"?token={pair.refresh}") == REFUSED


def test_a_deactivated_users_token_is_closed_with_4401(user):
    pair = token_pair_issue(user=user)
    user.is_active = False
    user.save()

    assert connect(f"?token={pair.access}") == REFUSED


def test_a_deleted_users_token_is_closed_with_4401(user):
    pair = token_pair_issue(user=user)
    user.delete()

    assert connect(f"?token={pair.access}") == REFUSED
