"""The pages that check a password: allauth's sign-in (and its two-factor step) and the admin,
which signs in through it. One lockout policy with the API."""

import time
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.test import Client

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/"
MFA_STEP = "/accounts/2fa/authenticate/"
TOTP_ACTIVATE = "/accounts/2fa/totp/activate/"
ADMIN = "/admin/"
ADMIN_LOGIN = "/admin/login/"
API_LOGIN = "/api/v1/auth/token/"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str, *, periods_from_now: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + periods_from_now))


@pytest.fixture
def limit_3(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


@pytest.fixture
def staff(password):
    return UserFactory(password=password, is_staff=True, is_superuser=True)


@pytest.fixture
def staff_with_totp(staff):
    TOTP.activate(staff, SECRET)
    RecoveryCodes.activate(staff)
    return staff


def sign_in(client, email, password, **extra):
    return client.post(SIGN_IN, {"login": email, "password": password}, **extra)


def in_admin(client) -> bool:
    return client.get(ADMIN).status_code == 200


# --- The sign-in page ---------------------------------------------------------------------------


def test_wrong_passwords_on_the_sign_in_page_lock_the_pair_with_a_page(
    client, staff, password, limit_3
):
    for n in range(3):
        sign_in(client, staff.email, f"wrong{n}", REMOTE_ADDR="10.0.0.1")

    response = sign_in(client, staff.email, password, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert b"Too many attempts" in response.content
    assert response["Retry-After"] == "900"
    assert not in_admin(client)


def test_a_forged_x_forwarded_for_does_not_dodge_the_page_lockout(client, staff, password, limit_3):
    for n in range(3):
        sign_in(
            client,
            staff.email,
            "wrong",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )

    response = sign_in(
        client, staff.email, password, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )

    assert response.status_code == 429


def test_the_sign_in_page_of_another_address_is_not_locked(client, staff, password, limit_3):
    for n in range(5):
        sign_in(client, staff.email, f"wrong{n}", REMOTE_ADDR="203.0.113.9")

    response = sign_in(client, staff.email, password, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 302
    assert in_admin(client)


def test_the_pages_and_the_api_share_one_count(client, api_client, staff, password, limit_3):
    sign_in(client, staff.email, "wrong0", REMOTE_ADDR="10.0.0.1")
    api_client.post(API_LOGIN, {"email": staff.email, "password": "wrong1"}, REMOTE_ADDR="10.0.0.1")
    sign_in(client, staff.email.upper(), "wrong2", REMOTE_ADDR="10.0.0.1")

    response = api_client.post(
        API_LOGIN, {"email": staff.email, "password": password}, REMOTE_ADDR="10.0.0.1"
    )

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"


def test_a_sign_in_clears_the_pairs_failures(client, staff, password, limit_3):
    for _ in range(2):
        sign_in(client, staff.email, "wrong")
    assert sign_in(client, staff.email, password).status_code == 302
    client.logout()

    for _ in range(2):
        assert sign_in(client, staff.email, "wrong").status_code == 200

    assert sign_in(client, staff.email, password).status_code == 302


# --- The admin ----------------------------------------------------------------------------------


def test_the_admin_sends_people_to_the_sign_in_page(client):
    response = client.get(ADMIN, follow=True)

    assert response.redirect_chain[-1][0].startswith(f"{SIGN_IN}?next=")
    assert response.status_code == 200


def test_the_admins_own_form_no_longer_checks_passwords(client, staff, password, limit_3):
    # Before, /admin/login/ took unlimited guesses on a form of its own.
    response = client.post(ADMIN_LOGIN, {"username": staff.email, "password": password})

    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
    assert not in_admin(client)


def test_staff_reach_the_admin_through_the_sign_in_page(client, staff, password):
    response = sign_in(client, staff.email, password)

    assert response.status_code == 302
    assert in_admin(client)


def test_a_signed_in_learner_is_refused_by_the_admin(client, password):
    learner = UserFactory(password=password)
    sign_in(client, learner.email, password)

    assert client.get(ADMIN_LOGIN).status_code == 403


# --- Staff with TOTP ----------------------------------------------------------------------------


def test_staff_turn_totp_on_through_allauths_pages(client, staff, password):
    sign_in(client, staff.email, password)
    page = client.get(TOTP_ACTIVATE)
    assert page.status_code == 200
    secret = page.context["form"].secret

    response = client.post(TOTP_ACTIVATE, {"code": totp_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    client.logout()
    sign_in(client, staff.email, password)
    assert not in_admin(client)


def test_the_password_alone_does_not_open_the_admin_to_staff_with_totp(
    client, staff_with_totp, password
):
    response = sign_in(client, staff_with_totp.email, password)

    assert response.status_code == 302
    assert response["Location"].startswith(MFA_STEP)
    assert not in_admin(client)
    # Nor does the admin's own form.
    client.post(ADMIN_LOGIN, {"username": staff_with_totp.email, "password": password})
    assert not in_admin(client)


def test_password_and_totp_code_open_the_admin(client, staff_with_totp, password):
    sign_in(client, staff_with_totp.email, password)

    response = client.post(MFA_STEP, {"code": totp_code(SECRET)})

    assert response.status_code == 302
    assert in_admin(client)


def test_a_wrong_code_does_not_open_the_admin(client, staff_with_totp, password):
    sign_in(client, staff_with_totp.email, password)

    response = client.post(MFA_STEP, {"code": totp_code(SECRET, periods_from_now=3)})

    assert response.status_code == 200
    assert not in_admin(client)


def test_wrong_codes_on_the_page_count_in_the_lockout(client, staff_with_totp, password, limit_3):
    sign_in(client, staff_with_totp.email, password, REMOTE_ADDR="10.0.0.1")
    for n in range(1, 3):
        response = client.post(
            MFA_STEP,
            {"code": totp_code(SECRET, periods_from_now=n)},
            REMOTE_ADDR="10.0.0.1",
        )
        assert response.status_code == 200
    assert client.post(MFA_STEP, {"code": "000000"}, REMOTE_ADDR="10.0.0.1").status_code == 429

    response = client.post(MFA_STEP, {"code": totp_code(SECRET)}, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert not in_admin(client)


def test_a_recovery_code_opens_the_admin_once(client, staff_with_totp, password):
    authenticator = RecoveryCodes.activate(staff_with_totp).instance
    code = RecoveryCodes(authenticator).get_unused_codes()[0]
    sign_in(client, staff_with_totp.email, password)
    client.post(MFA_STEP, {"code": code})
    assert in_admin(client)
    client.logout()

    other = Client()
    sign_in(other, staff_with_totp.email, password)
    other.post(MFA_STEP, {"code": code})

    assert not in_admin(other)
