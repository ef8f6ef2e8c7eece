"""POST auth/social/{provider}/: the mobile flow, with allauth's token verification mocked."""

import base64
import json
import time
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.facebook.provider import FacebookProvider
from allauth.socialaccount.providers.google.provider import GoogleProvider
from django.core.exceptions import ValidationError
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import User
from tests.accounts.factories import (
    EmailAddressFactory,
    SocialAccountFactory,
    SocialAppFactory,
    UserFactory,
)
from tests.accounts.helpers import assert_error, bearer, claims

pytestmark = pytest.mark.django_db

GOOGLE = "/api/v1/auth/social/google/"
FACEBOOK = "/api/v1/auth/social/facebook/"
ME = "/api/v1/me/"
LOGIN = "/api/v1/auth/token/"
MFA_LOGIN = "/api/v1/auth/token/mfa/"
MFA_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def google_identity(**overrides) -> dict:
    """What Google's verified id token says about the person."""
    return {
        "sub": "google-uid-1",
        "email": "ana@gmail.com",
        "email_verified": True,
        "name": "Ana Gómez",
        **overrides,
    }


@pytest.fixture
def google_app():
    return SocialAppFactory(provider="google")


@pytest.fixture
def google_says(google_app):
    """Mocks the network part only: allauth's provider turns the identity into a SocialLogin."""

    def says(identity: dict | None = None):
        def verify_token(provider, request, token):
            return provider.sociallogin_from_response(request, identity or google_identity())

        return mock.patch.object(
            GoogleProvider, "verify_token", autospec=True, side_effect=verify_token
        )

    return says


# --- Creating, logging in, connecting -----------------------------------------------------------


def test_a_new_person_gets_an_account_and_a_working_token_pair(api_client, google_says):
    with google_says():
        response = api_client.post(GOOGLE, {"id_token": "google-id-token"})

    assert response.status_code == 200
    user = User.objects.get(email="ana@gmail.com")
    assert api_client.get(ME, **bearer(response.json()["access"])).json()["id"] == user.pk
    assert claims(response.json()["refresh"])["sid"]


def test_the_new_account_is_filled_from_the_provider(api_client, google_says):
    with google_says():
        api_client.post(GOOGLE, {"id_token": "google-id-token"})

    user = User.objects.get(email="ana@gmail.com")
    assert user.display_name == "Ana Gómez"
    assert not user.has_usable_password()
    assert SocialAccount.objects.get(user=user).uid == "google-uid-1"
    assert EmailAddress.objects.get(user=user).verified


def test_the_token_is_verified_by_allauths_provider_of_the_configured_app(
    api_client, google_says, google_app
):
    with google_says() as verify_token:
        api_client.post(GOOGLE, {"id_token": "google-id-token"})

    provider, _request, token = verify_token.call_args.args
    assert provider.app == google_app
    assert token == {"id_token": "google-id-token"}


def test_the_same_social_account_logs_in_its_user_again(api_client, google_says):
    user = UserFactory(email="ana@gmail.com")
    SocialAccountFactory(user=user, uid="google-uid-1", extra_data={"old": True})

    with google_says():
        response = api_client.post(GOOGLE, {"id_token": "google-id-token"})

    assert response.status_code == 200
    assert claims(response.json()["access"])["user_id"] == str(user.pk)
    assert User.objects.count() == 1
    assert SocialAccount.objects.get(uid="google-uid-1").extra_data["email"] == "ana@gmail.com"


def test_the_social_account_logs_in_its_user_whatever_email_the_provider_now_says(
    api_client, google_says
):
    user = UserFactory(email="old-address@example.com")
    SocialAccountFactory(user=user, uid="google-uid-1")

    with google_says(google_identity(email="new-address@gmail.com")):
        response = api_client.post(GOOGLE, {"id_token": "google-id-token"})

    assert claims(response.json()["access"])["user_id"] == str(user.pk)


def test_an_existing_account_is_connected_by_a_verified_email_in_any_case(
    api_client, google_says, password
):
    user = UserFactory(email="Ana@GMAIL.com", password=password)
    EmailAddressFactory(user=user, email="ana@gmail.com", verified=True)

    with google_says():
        response = api_client.post(GOOGLE, {"id_token": "google-id-token"})

    assert response.status_code == 200
    assert claims(response.json()["access"])["user_id"] == str(user.pk)
    assert SocialAccount.objects.get(uid="google-uid-1").user == user
    user.refresh_from_db()
    assert user.check_password(password)


def test_connecting_an_account_whose_email_was_never_verified_locks_its_password_out(
    api_client, google_says, password
):
    # Someone may have registered the address without owning it (allauth's wipe_password).
    user = UserFactory(email="ana@gmail.com", password=password)
    squatter_login = api_client.post(LOGIN, {"email": user.email, "password": password}).json()

    with google_says():
        response = api_client.post(GOOGLE, {"id_token": "google-id-token"})

    assert claims(response.json()["access"])["user_id"] == str(user.pk)
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert_error(api_client.get(ME, **bearer(squatter_login["access"])), 401, "token_not_valid")


def test_an_unverified_email_of_an_existing_account_is_not_connected(api_client, google_says):
    user = UserFactory(email="ana@gmail.com")

    with google_says(google_identity(email_verified=False)):
        response = api_client.post(GOOGLE, {"id_token": "google-id-token"})

    assert_error(response, 409, "social_email_unverified")
    assert not SocialAccount.objects.filter(user=user).exists()


def test_an_unverified_email_nobody_uses_creates_an_account(api_client, google_says):
    with google_says(google_identity(email_verified=False)):
        response = api_client.post(GOOGLE, {"id_token": "google-id-token"})

    assert response.status_code == 200
    user = User.objects.get(email="ana@gmail.com")
    assert not EmailAddress.objects.get(user=user).verified


def test_a_provider_sharing_no_email_is_refused(api_client, google_says):
    with google_says(google_identity(email=None)):
        response = api_client.post(GOOGLE, {"id_token": "google-id-token"})

    assert_error(response, 400, "social_email_missing")
    assert not User.objects.exists()


def test_a_disabled_account_cannot_log_in_socially(api_client, google_says):
    user = UserFactory(email="ana@gmail.com", is_active=False)
    SocialAccountFactory(user=user, uid="google-uid-1")

    with google_says():
        response = api_client.post(GOOGLE, {"id_token": "google-id-token"})

    assert_error(response, 401, "account_inactive")


def test_facebook_verifies_an_access_token(api_client):
    SocialAppFactory(provider="facebook")

    def verify_token(provider, request, token):
        assert token == {"access_token": "fb-access-token"}
        return provider.sociallogin_from_response(
            request, {"id": "fb-1", "email": "leo@example.com", "name": "Leo"}
        )

    with mock.patch.object(
        FacebookProvider, "verify_token", autospec=True, side_effect=verify_token
    ):
        response = api_client.post(FACEBOOK, {"access_token": "fb-access-token"})

    assert response.status_code == 200
    assert SocialAccount.objects.get(provider="facebook").user.email == "leo@example.com"


# --- Refusals -----------------------------------------------------------------------------------


def test_a_token_the_provider_rejects_is_refused_with_401(api_client, google_app):
    with mock.patch.object(
        GoogleProvider, "verify_token", side_effect=ValidationError("bad", code="invalid_token")
    ):
        response = api_client.post(GOOGLE, {"id_token": "forged"})

    assert_error(response, 401, "social_token_invalid")
    assert not User.objects.exists()


def _unsigned_jwt(header: dict, payload: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(payload)}.c2lnbmF0dXJl"


@pytest.mark.parametrize("provider", ["google", "facebook"])
@pytest.mark.parametrize("header", [{"alg": "RS256"}, {"kid": "key-1"}])
def test_an_id_token_crafted_without_its_key_header_is_refused_with_401(
    api_client, provider, header
):
    # No mock: allauth's own verification, which fails before it would fetch the keys.
    SocialAppFactory(provider=provider)
    id_token = _unsigned_jwt(header, {"sub": "1", "email": "eve@example.com"})

    response = api_client.post(f"/api/v1/auth/social/{provider}/", {"id_token": id_token})

    assert_error(response, 401, "social_token_invalid")
    assert not User.objects.exists()


def test_an_unknown_provider_is_404(api_client):
    response = api_client.post("/api/v1/auth/social/myspace/", {"access_token": "x"})

    assert_error(response, 404, "unknown_provider")


def test_a_provider_without_a_social_app_is_404(api_client):
    response = api_client.post(FACEBOOK, {"access_token": "x"})

    assert_error(response, 404, "provider_not_configured")


def test_a_social_app_of_another_site_does_not_count(api_client):
    from django.contrib.sites.models import Site

    SocialAppFactory(provider="google", sites=[Site.objects.create(domain="other.example")])

    response = api_client.post(GOOGLE, {"id_token": "x"})

    assert_error(response, 404, "provider_not_configured")


def test_two_first_logins_racing_give_a_conflict_to_the_loser(api_client, google_says):
    from django.db import IntegrityError

    with (
        google_says(),
        mock.patch("accounts.services._social_user", side_effect=IntegrityError("unique")),
    ):
        response = api_client.post(GOOGLE, {"id_token": "google-id-token"})

    assert_error(response, 409, "social_login_conflict")


def test_a_token_is_required(api_client, google_app):
    response = api_client.post(GOOGLE, {})

    assert_error(response, 400, "invalid")


def test_social_login_is_throttled_per_address_before_the_provider_is_asked(
    api_client, google_says, monkeypatch
):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"social": "2/minute"})
    with google_says() as verify:
        for _ in range(2):
            api_client.post(GOOGLE, {"id_token": "google-id-token"})
        response = api_client.post(GOOGLE, {"id_token": "google-id-token"})

    assert_error(response, 429, "throttled")
    assert verify.call_count == 2


@pytest.mark.parametrize("name", ["Ana\u202eoB", "\u3164", "An\u200ba"])
def test_a_provider_name_the_check_refuses_gives_way_to_the_email_and_the_login_goes_on(
    api_client, google_says, name
):
    with google_says(google_identity(name=name)):
        response = api_client.post(GOOGLE, {"id_token": "google-id-token"})

    assert response.status_code == 200
    assert User.objects.get(email="ana@gmail.com").display_name == "ana"


def test_a_provider_name_is_stored_composed(api_client, google_says):
    with google_says(google_identity(name="Ana Go\u0301mez")):
        api_client.post(GOOGLE, {"id_token": "google-id-token"})

    assert User.objects.get(email="ana@gmail.com").display_name == "Ana Gómez"


def test_a_social_login_of_an_account_with_totp_on_asks_for_the_code(api_client, google_says):
    # Given an account with TOTP on, already linked to Google
    user = UserFactory(email="ana@gmail.com")
    SocialAccountFactory(user=user, uid="google-uid-1")
    TOTP.activate(user, MFA_SECRET)

    # When the app logs in with Google's token
    with google_says():
        response = api_client.post(GOOGLE, {"id_token": "google-id-token"})

    # Then no token pair: the second step, as after a right password
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "mfa_required"
    assert "access" not in response.json()
    mfa_token = response.json()["error"]["mfa_token"]
    assert response.json()["mfa_token"] == mfa_token
    code = format_hotp_value(hotp_value(MFA_SECRET, int(time.time()) // 30))
    second = api_client.post(MFA_LOGIN, {"mfa_token": mfa_token, "code": code})
    assert second.status_code == 200
    assert claims(second.json()["access"])["user_id"] == str(user.pk)


def test_connecting_by_email_to_an_account_with_totp_on_asks_for_the_code(api_client, google_says):
    user = UserFactory(email="ana@gmail.com")
    EmailAddressFactory(user=user, email="ana@gmail.com", verified=True)
    TOTP.activate(user, MFA_SECRET)

    with google_says():
        response = api_client.post(GOOGLE, {"id_token": "google-id-token"})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "mfa_required"
    # The connection is made all the same: the next login needs only the code.
    assert SocialAccount.objects.get(uid="google-uid-1").user == user
