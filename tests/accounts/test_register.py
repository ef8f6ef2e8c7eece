"""POST auth/register/: email, password, display name, time zone."""

import pytest
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.accounts.helpers import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/register/"


@pytest.fixture
def payload() -> dict:
    return {
        "email": "ana@example.com",
        "password": "a-long-and-unusual-passphrase",
        "display_name": "Ana",
        "timezone": "Europe/Madrid",
    }


def test_registering_creates_the_account_and_answers_201(api_client, payload):
    response = api_client.post(URL, payload)

    assert response.status_code == 201
    user = User.objects.get(email="ana@example.com")
    assert response.json() == {
        "id": user.pk,
        "email": "ana@example.com",
        "display_name": "Ana",
        "username": "ana",
    }
    assert user.timezone == "Europe/Madrid"
    assert user.check_password(payload["password"])
    assert response.headers["X-Request-ID"]


def test_the_time_zone_defaults_to_utc(api_client, payload):
    del payload["timezone"]

    response = api_client.post(URL, payload)

    assert response.status_code == 201
    assert User.objects.get(pk=response.json()["id"]).timezone == "UTC"


def test_the_new_account_can_log_in(api_client, payload):
    api_client.post(URL, payload)

    response = api_client.post(
        "/api/v1/auth/token/", {"email": payload["email"], "password": payload["password"]}
    )

    assert response.status_code == 200


def test_an_email_taken_in_another_case_is_refused(api_client, payload):
    UserFactory(email="Ana@Example.com")

    response = api_client.post(URL, {**payload, "email": "ANA@example.COM"})

    assert_error(response, 400, "email_taken", fields=["email"])
    assert User.objects.filter(email__iexact="ana@example.com").count() == 1


def test_an_unknown_time_zone_is_refused(api_client, payload):
    response = api_client.post(URL, {**payload, "timezone": "Mars/Olympus_Mons"})

    assert_error(response, 400, "invalid", fields=["timezone"])
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "password",
    ["short1", "password123", "12345678901234", "ana@example.com"],
    ids=["too-short", "common", "numeric", "like-the-email"],
)
def test_a_weak_password_is_refused_by_djangos_validators(api_client, payload, password):
    response = api_client.post(URL, {**payload, "password": password})

    assert_error(response, 400, "weak_password", fields=["password"])
    assert not User.objects.exists()


def test_missing_fields_are_named(api_client):
    response = api_client.post(URL, {})

    error = assert_error(response, 400, "invalid", fields=["email", "password", "display_name"])
    assert "timezone" not in error["fields"]


def test_a_malformed_email_is_refused(api_client, payload):
    response = api_client.post(URL, {**payload, "email": "not-an-email"})

    assert_error(response, 400, "invalid", fields=["email"])


def test_registering_is_throttled_by_the_register_scope(api_client, payload, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"register": "2/hour"})
    for n in range(2):
        api_client.post(URL, {**payload, "email": f"ana{n}@example.com"})

    response = api_client.post(URL, {**payload, "email": "ana9@example.com"})

    assert_error(response, 429, "throttled")
    assert response.headers["Retry-After"]
    assert not User.objects.filter(email="ana9@example.com").exists()


def test_a_forged_x_forwarded_for_does_not_dodge_the_register_throttle(
    api_client, payload, monkeypatch
):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"register": "2/hour"})
    for n in range(2):
        api_client.post(
            URL, {**payload, "email": f"ana{n}@example.com"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        )

    response = api_client.post(
        URL, {**payload, "email": "ana9@example.com"}, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )

    assert_error(response, 429, "throttled")
