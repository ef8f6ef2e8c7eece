"""X-Request-ID: on every response; a proxy's id is kept when it looks like one."""

import re

import pytest

HEX_ID = re.compile(r"^[0-9a-f]{32}$")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/healthz", 200),
        ("get", "/readyz", 200),
        ("get", "/api/schema/", 200),
        ("get", "/api/v1/no-such-endpoint/", 404),
        ("get", "/no-such-page/", 404),
        ("get", "/admin/", 302),
    ],
)
def test_every_response_carries_a_generated_request_id(client, method, path, status):
    response = getattr(client, method)(path)

    assert response.status_code == status
    assert HEX_ID.match(response["X-Request-ID"])


def test_each_request_gets_its_own_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert first != second


@pytest.mark.parametrize(
    "incoming", ["abc123", "9f1c2e0a-5b7d-4c8e-9a1b-2c3d4e5f6a7b", "lb:frontend-1.42_x"]
)
def test_a_valid_incoming_id_is_kept(client, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)

    assert response["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["", "has spaces", "line\nbreak", 'quote"s', "x" * 129, "ümlaut", "<script>"],
)
def test_a_malformed_incoming_id_is_replaced(client, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)

    assert response["X-Request-ID"] != incoming
    assert HEX_ID.match(response["X-Request-ID"])
