"""Login sessions: the database is the record of revocation, and a replayed refresh token ends
its login (OAuth 2.0 Security BCP, refresh token rotation with reuse detection)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db.models import ProtectedError
from django.utils.timezone import now
from freezegun import freeze_time
from rest_framework.test import APIRequestFactory
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.authentication import SessionJWTAuthentication
from accounts.models import LoginSession, User
from accounts.services import (
    TokenPair,
    token_pair_issue,
    tokens_expired_flush,
    user_erase,
    user_password_change,
)
from config.api.errors import ApplicationError
from tests.accounts.factories import LoginSessionFactory, UserFactory
from tests.accounts.helpers import assert_error, bearer, claims

pytestmark = pytest.mark.django_db

REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/me/"
PASSWORD = "/api/v1/me/password/"
NEW_PASSWORD = "another-long-unusual-passphrase"

# Nothing listens there: every cache call fails, as with Redis down.
UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6390/0",
    }
}


def _session(pair: TokenPair) -> LoginSession:
    return LoginSession.objects.get(sid=claims(pair.refresh)["sid"])


# --- The session row --------------------------------------------------------------------------


def test_a_login_records_its_session_with_the_refresh_tokens_id(user):
    pair = token_pair_issue(user=user)

    session = _session(pair)
    assert session.user == user
    assert session.refresh_jti == claims(pair.refresh)["jti"]
    assert session.revoked_at is None
    assert session.expires_at > now()


def test_a_rotation_moves_the_session_to_the_new_refresh_token(api_client, token_pair):
    rotated = api_client.post(REFRESH, {"refresh": token_pair.refresh}).json()

    session = _session(token_pair)
    assert session.refresh_jti == claims(rotated["refresh"])["jti"]
    assert session.expires_at.timestamp() == claims(rotated["refresh"])["exp"]


def test_a_token_whose_session_has_no_row_is_refused(api_client, user):
    # Issued before logins were recorded: it carries a sid, but nothing could revoke it.
    refresh = RefreshToken.for_user(user)
    refresh["sid"] = "0" * 32

    assert_error(api_client.get(ME, **bearer(str(refresh.access_token))), 401, "token_not_valid")
    assert_error(api_client.post(REFRESH, {"refresh": str(refresh)}), 401, "token_not_valid")


def test_a_token_naming_another_users_session_is_refused(api_client, user):
    other = token_pair_issue(user=UserFactory())
    refresh = RefreshToken.for_user(user)
    refresh["sid"] = claims(other.refresh)["sid"]

    assert_error(api_client.get(ME, **bearer(str(refresh.access_token))), 401, "token_not_valid")


def test_authenticating_costs_one_query(user, token_pair, django_assert_num_queries):
    # The session is read with its user: simplejwt's own lookup of the user is not made.
    request = APIRequestFactory().get(ME, **bearer(token_pair.access))

    with django_assert_num_queries(1):
        authenticated_user, _ = SessionJWTAuthentication().authenticate(request)

    assert authenticated_user == user


def test_an_expired_session_is_flushed_with_its_tokens(user, settings):
    lifetime = settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"]
    with freeze_time(now() - lifetime - timedelta(days=1)):
        token_pair_issue(user=user)
    live = token_pair_issue(user=user)

    tokens_expired_flush()

    assert list(LoginSession.objects.values_list("sid", flat=True)) == [_session(live).sid]


def test_the_flush_leaves_live_sessions_alone():
    live = LoginSessionFactory()
    LoginSessionFactory(expires_at=now() - timedelta(seconds=1))

    tokens_expired_flush()

    assert list(LoginSession.objects.all()) == [live]


# --- Revocations outlive the cache ------------------------------------------------------------


def test_a_logout_holds_after_the_cache_is_flushed(api_client, token_pair):
    api_client.post(LOGOUT, {"refresh": token_pair.refresh})

    cache.clear()

    assert_error(api_client.get(ME, **bearer(token_pair.access)), 401, "token_not_valid")
    assert_error(api_client.post(REFRESH, {"refresh": token_pair.refresh}), 401, "token_not_valid")
    assert _session(token_pair).revoke_reason == "logout"


def test_a_password_change_holds_after_the_cache_is_flushed(api_client, token_pair, password):
    response = api_client.post(
        PASSWORD,
        {"current_password": password, "new_password": NEW_PASSWORD},
        **bearer(token_pair.access),
    )
    assert response.status_code == 200

    cache.clear()

    assert_error(api_client.get(ME, **bearer(token_pair.access)), 401, "token_not_valid")
    assert_error(api_client.post(REFRESH, {"refresh": token_pair.refresh}), 401, "token_not_valid")
    assert api_client.get(ME, **bearer(response.json()["access"])).status_code == 200


def test_a_deletion_holds_after_the_cache_is_flushed(api_client, token_pair, password):
    response = api_client.delete(ME, {"password": password}, **bearer(token_pair.access))
    assert response.status_code == 204

    cache.clear()

    assert_error(api_client.get(ME, **bearer(token_pair.access)), 401, "token_not_valid")
    assert_error(api_client.post(REFRESH, {"refresh": token_pair.refresh}), 401, "token_not_valid")


def test_a_deletion_that_rolls_back_leaves_the_logins_working(api_client, token_pair, user):
    # The revocation is part of the deletion's transaction: a failed deletion keeps both.
    with (
        mock.patch.object(User, "delete", side_effect=ProtectedError("protected", set())),
        pytest.raises(ApplicationError),
    ):
        user_erase(user=user)

    assert api_client.get(ME, **bearer(token_pair.access)).status_code == 200


# --- With the cache unreachable ---------------------------------------------------------------


@pytest.fixture
def broken_cache(settings):
    settings.CACHES = UNREACHABLE_CACHE
    with pytest.raises(Exception):  # noqa: B017 - whichever error the client raises
        cache.get("probe")
    return settings


def test_authentication_works_with_the_cache_unreachable(api_client, token_pair, broken_cache):
    assert api_client.get(ME, **bearer(token_pair.access)).status_code == 200


def test_refresh_and_logout_work_and_hold_with_the_cache_unreachable(
    api_client, token_pair, broken_cache
):
    rotated = api_client.post(REFRESH, {"refresh": token_pair.refresh})
    assert rotated.status_code == 200

    assert api_client.post(LOGOUT, {"refresh": rotated.json()["refresh"]}).status_code == 204

    for access in (token_pair.access, rotated.json()["access"]):
        assert_error(api_client.get(ME, **bearer(access)), 401, "token_not_valid")


def test_a_password_change_holds_with_the_cache_unreachable(
    api_client, user, token_pair, password, broken_cache, rf
):
    new_pair = user_password_change(
        request=rf.post("/", REMOTE_ADDR="10.0.0.1"),
        user=user,
        current_password=password,
        new_password=NEW_PASSWORD,
    )

    assert_error(api_client.get(ME, **bearer(token_pair.access)), 401, "token_not_valid")
    assert api_client.get(ME, **bearer(new_pair.access)).status_code == 200


def test_a_deletion_holds_with_the_cache_unreachable(api_client, user, token_pair, broken_cache):
    user_erase(user=user)

    assert_error(api_client.get(ME, **bearer(token_pair.access)), 401, "token_not_valid")


# --- Refresh token replay ---------------------------------------------------------------------


def test_replaying_a_rotated_refresh_token_revokes_the_whole_login(api_client, token_pair):
    rotated = api_client.post(REFRESH, {"refresh": token_pair.refresh}).json()

    replay = api_client.post(REFRESH, {"refresh": token_pair.refresh})

    assert_error(replay, 401, "token_not_valid")
    # The newest refresh token is dead too, and so is every access token of the login.
    assert_error(api_client.post(REFRESH, {"refresh": rotated["refresh"]}), 401, "token_not_valid")
    for access in (token_pair.access, rotated["access"]):
        assert_error(api_client.get(ME, **bearer(access)), 401, "token_not_valid")
    assert _session(token_pair).revoke_reason == "refresh_reuse"


def test_a_replay_ends_only_the_login_it_belongs_to(api_client, user):
    phone, laptop = token_pair_issue(user=user), token_pair_issue(user=user)
    api_client.post(REFRESH, {"refresh": phone.refresh})

    api_client.post(REFRESH, {"refresh": phone.refresh})

    assert api_client.get(ME, **bearer(laptop.access)).status_code == 200
    assert api_client.post(REFRESH, {"refresh": laptop.refresh}).status_code == 200


def test_a_replay_revokes_the_login_after_several_rotations(api_client, token_pair):
    second = api_client.post(REFRESH, {"refresh": token_pair.refresh}).json()
    third = api_client.post(REFRESH, {"refresh": second["refresh"]}).json()

    assert_error(api_client.post(REFRESH, {"refresh": second["refresh"]}), 401, "token_not_valid")

    assert_error(api_client.post(REFRESH, {"refresh": third["refresh"]}), 401, "token_not_valid")
    assert_error(api_client.get(ME, **bearer(third["access"])), 401, "token_not_valid")


def test_logging_out_with_a_rotated_refresh_token_ends_the_login(api_client, token_pair):
    rotated = api_client.post(REFRESH, {"refresh": token_pair.refresh}).json()

    response = api_client.post(LOGOUT, {"refresh": token_pair.refresh})

    assert_error(response, 401, "token_not_valid")
    assert_error(api_client.get(ME, **bearer(rotated["access"])), 401, "token_not_valid")


def test_a_revoked_login_stays_revoked_for_the_reason_it_was_first_revoked(api_client, token_pair):
    api_client.post(LOGOUT, {"refresh": token_pair.refresh})

    api_client.post(REFRESH, {"refresh": token_pair.refresh})

    assert _session(token_pair).revoke_reason == "logout"
