"""Assertions shared by the accounts tests."""

from collections.abc import Iterable

from config.middleware import REQUEST_ID_HEADER


def assert_error(response, status: int, code: str, *, fields: Iterable[str] = ()) -> dict:
    """The response is an error in the one shape of API.md, with a request id."""
    assert response.status_code == status, response.content
    assert response.headers.get(REQUEST_ID_HEADER)
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    for field in fields:
        assert error["fields"][field], error
    return error


def bearer(access: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {access}"}


def claims(token: str) -> dict:
    """The claims of a token we issued, whether or not it was revoked since."""
    from rest_framework_simplejwt.state import token_backend

    return token_backend.decode(token, verify=False)
