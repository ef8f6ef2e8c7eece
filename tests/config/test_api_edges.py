"""The edges of the API: unknown paths and refused requests answer in the error shape, and a
WebSocket with nowhere to go is closed with a code instead of failing the server."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.middleware.csrf import _get_failure_view
from django.test import Client, RequestFactory

from accounts.services import token_pair_issue
from accounts.websocket import CLOSE_UNAUTHORIZED

# The WebSocket counterpart of 404, part of the contract with clients.
CLOSE_NOT_FOUND = 4404


def _error(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)["error"]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_an_unsafe_method_on_an_unknown_api_path_is_a_json_404(method):
    # A browser-like client: CSRF is enforced, as it is for every real request.
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)("/api/v1/nope/", {"a": 1}, content_type="application/json")

    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


def test_a_csrf_failure_under_the_api_is_json_in_the_error_shape():
    request = RequestFactory().post("/api/v1/anything/")

    response = _get_failure_view()(request, reason="CSRF cookie not set.")

    assert response.status_code == 403
    assert _error(response)["code"] == "csrf_failed"


def test_a_csrf_failure_outside_the_api_keeps_djangos_page():
    request = RequestFactory().post("/accounts/login/")

    response = _get_failure_view()(request, reason="CSRF cookie not set.")

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def _first_message(path: str) -> dict:
    from config.asgi import application

    async def run():
        communicator = WebsocketCommunicator(application, path)
        connected, _ = await communicator.connect()
        assert connected
        message = await communicator.receive_output()
        await communicator.disconnect()
        return message

    return async_to_sync(run)()


@pytest.mark.django_db(transaction=True)
def test_a_websocket_to_a_path_with_no_consumer_is_closed_with_4404(user):
    token = token_pair_issue(user=user).access

    message = _first_message(f"/ws/nowhere/?token={token}")

    assert message == {"type": "websocket.close", "code": CLOSE_NOT_FOUND}


@pytest.mark.django_db(transaction=True)
def test_without_a_token_the_unknown_path_is_refused_as_unauthorized_first():
    assert _first_message("/ws/nowhere/") == {
        "type": "websocket.close",
        "code": CLOSE_UNAUTHORIZED,
    }
