"""POST auth/token/, auth/token/refresh/, auth/logout/: logging in, rotation, logging out."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.core.cache import cache
from django.test import AsyncClient
from django.utils.timezone import now
from freezegun import freeze_time
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken

from tests.accounts.factories import UserFactory
from tests.accounts.helpers import assert_error, bearer, claims

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/me/"


def login(client, email, password, **extra):
    return client.post(LOGIN, {"email": email, "password": password}, **extra)


# --- Logging in ---------------------------------------------------------------------------------


def test_the_right_email_and_password_give_a_working_token_pair(api_client, user, password):
    response = login(api_client, user.email, password)

    assert response.status_code == 200
    pair = response.json()
    assert set(pair) == {"access", "refresh"}
    assert api_client.get(ME, **bearer(pair["access"])).json()["id"] == user.pk


def test_the_email_is_matched_in_any_case(api_client, password):
    user = UserFactory(email="Mixed.Case@Example.com", password=password)

    response = login(api_client, "mixed.case@EXAMPLE.COM", password)

    assert response.status_code == 200
    assert claims(response.json()["access"])["user_id"] == str(user.pk)


def test_both_tokens_carry_the_same_new_session_id(api_client, user, password):
    pair = login(api_client, user.email, password).json()

    sid = claims(pair["refresh"])["sid"]
    assert claims(pair["access"])["sid"] == sid
    assert claims(login(api_client, user.email, password).json()["refresh"])["sid"] != sid


def test_logging_in_records_the_last_login(api_client, user, password):
    login(api_client, user.email, password)

    user.refresh_from_db()
    assert user.last_login is not None


def test_a_wrong_password_is_refused_with_401(api_client, user):
    response = login(api_client, user.email, "not-the-password")

    assert_error(response, 401, "invalid_credentials")


def test_an_unknown_email_is_refused_like_a_wrong_password(api_client, password):
    response = login(api_client, "nobody@example.com", password)

    assert_error(response, 401, "invalid_credentials")


def test_an_inactive_user_cannot_log_in(api_client, password):
    user = UserFactory(password=password, is_active=False)

    response = login(api_client, user.email, password)

    assert_error(response, 401, "invalid_credentials")


def test_missing_credentials_are_named(api_client):
    response = api_client.post(LOGIN, {})

    assert_error(response, 400, "invalid", fields=["email", "password"])


# --- Login throttling (django-axes: per client address and account pair) ----------------------

COOL_OFF = timedelta(minutes=15)


@pytest.fixture
def limit_3(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = COOL_OFF


def test_failures_of_a_pair_lock_it_with_429_even_for_the_right_password(
    api_client, limit_3, user, password
):
    for n in range(2):
        assert login(api_client, user.email, f"wrong{n}", REMOTE_ADDR="10.0.0.1").status_code == 401
    # The failure that reaches the limit already answers the lockout.
    assert_error(login(api_client, user.email, "wrong2", REMOTE_ADDR="10.0.0.1"), 429, "throttled")

    response = login(api_client, user.email, password, REMOTE_ADDR="10.0.0.1")

    assert_error(response, 429, "throttled")
    assert response.headers["Retry-After"] == str(int(COOL_OFF.total_seconds()))
    assert not OutstandingToken.objects.filter(user=user).exists()


def test_a_forged_x_forwarded_for_does_not_dodge_the_lockout(api_client, limit_3, user, password):
    # uvicorn (--proxy-headers) resolves trusted proxies into REMOTE_ADDR; the raw header is
    # whatever the client wrote.
    for n in range(3):
        login(
            api_client,
            user.email,
            "wrong",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )

    response = login(
        api_client,
        user.email,
        password,
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )

    assert_error(response, 429, "throttled")


def test_a_stranger_elsewhere_cannot_lock_a_learner_out(api_client, limit_3, user, password):
    for n in range(10):
        login(api_client, user.email, f"wrong{n}", REMOTE_ADDR="203.0.113.9")
    locked = login(api_client, user.email, password, REMOTE_ADDR="203.0.113.9")
    assert_error(locked, 429, "throttled")

    response = login(api_client, user.email, password, REMOTE_ADDR="10.0.2.1")

    assert response.status_code == 200


def test_a_locked_address_still_logs_in_to_other_accounts(api_client, limit_3, user, password):
    other = UserFactory(password=password)
    for _ in range(3):
        login(api_client, user.email, "wrong", REMOTE_ADDR="10.0.0.1")

    assert login(api_client, other.email, password, REMOTE_ADDR="10.0.0.1").status_code == 200


def test_the_email_counts_in_any_case(api_client, limit_3, user, password):
    for email in (user.email.upper(), f"  {user.email} ", user.email.title()):
        login(api_client, email, "wrong")

    assert_error(login(api_client, user.email, password), 429, "throttled")


def test_failures_of_unknown_emails_lock_that_pair_too(api_client, limit_3):
    for _ in range(3):
        login(api_client, "nobody@example.com", "wrong")

    assert_error(login(api_client, "nobody@example.com", "wrong"), 429, "throttled")


def test_failures_below_the_limit_do_not_throttle(api_client, limit_3, user, password):
    for _ in range(2):
        login(api_client, user.email, "wrong")

    assert login(api_client, user.email, password).status_code == 200


def test_successful_logins_are_not_counted_as_failures(api_client, limit_3, user, password):
    for _ in range(5):
        login(api_client, user.email, password)

    assert login(api_client, user.email, password).status_code == 200


def test_a_login_clears_the_failures_of_its_pair(api_client, limit_3, user, password):
    for _ in range(2):
        login(api_client, user.email, "wrong")
    assert login(api_client, user.email, password).status_code == 200

    for _ in range(2):
        assert login(api_client, user.email, "wrong").status_code == 401

    assert login(api_client, user.email, password).status_code == 200


def test_the_lockout_lifts_after_a_cool_off_without_attempts(api_client, limit_3, user, password):
    with freeze_time("2026-03-02 10:00:00") as clock:
        for _ in range(3):
            login(api_client, user.email, "wrong")
        clock.tick(timedelta(minutes=10))
        # An attempt during the lockout counts again and starts the cool-off anew.
        assert_error(login(api_client, user.email, password), 429, "throttled")
        clock.tick(timedelta(minutes=10))
        assert_error(login(api_client, user.email, password), 429, "throttled")

        clock.tick(COOL_OFF + timedelta(seconds=1))

        assert login(api_client, user.email, password).status_code == 200


def test_the_lockout_is_kept_in_the_database_not_the_cache(api_client, limit_3, user, password):
    for _ in range(3):
        login(api_client, user.email, "wrong")

    cache.clear()

    assert_error(login(api_client, user.email, password), 429, "throttled")


def test_the_lockout_answers_alike_over_asgi(user, password, limit_3):
    # uvicorn serves over ASGI, where AxesMiddleware takes its async path.
    post = async_to_sync(AsyncClient().post)
    for _ in range(3):
        post(LOGIN, {"email": user.email, "password": "wrong"}, content_type="application/json")

    response = post(
        LOGIN, {"email": user.email, "password": password}, content_type="application/json"
    )

    assert_error(response, 429, "throttled")
    assert response.headers["Retry-After"] == str(int(COOL_OFF.total_seconds()))


def test_the_default_limit_is_five_failures_and_fifteen_minutes(api_client, user, password):
    for n in range(4):
        assert login(api_client, user.email, f"wrong{n}").status_code == 401

    assert_error(login(api_client, user.email, "wrong"), 429, "throttled")
    response = login(api_client, user.email, password)
    assert_error(response, 429, "throttled")
    assert response.headers["Retry-After"] == "900"


# --- Refreshing (rotation) ----------------------------------------------------------------------


def test_refreshing_gives_a_new_working_pair_of_the_same_session(api_client, token_pair, user):
    response = api_client.post(REFRESH, {"refresh": token_pair.refresh})

    assert response.status_code == 200
    pair = response.json()
    assert pair["refresh"] != token_pair.refresh
    assert claims(pair["refresh"])["sid"] == claims(token_pair.refresh)["sid"]
    assert api_client.get(ME, **bearer(pair["access"])).json()["id"] == user.pk


def test_the_old_refresh_token_is_refused_after_rotation(api_client, token_pair):
    api_client.post(REFRESH, {"refresh": token_pair.refresh})

    response = api_client.post(REFRESH, {"refresh": token_pair.refresh})

    assert_error(response, 401, "token_not_valid")


def test_the_rotated_refresh_token_rotates_again(api_client, token_pair):
    rotated = api_client.post(REFRESH, {"refresh": token_pair.refresh}).json()

    response = api_client.post(REFRESH, {"refresh": rotated["refresh"]})

    assert response.status_code == 200


def test_an_access_token_is_refused_as_a_refresh_token(api_client, token_pair):
    response = api_client.post(REFRESH, {"refresh": token_pair.access})

    assert_error(response, 401, "token_not_valid")


def test_a_malformed_refresh_token_is_refused(api_client):
    response = api_client.post(REFRESH, {"refresh": "not.a.token"})

    assert_error(response, 401, "token_not_valid")


def test_an_expired_refresh_token_is_refused(api_client, user, settings):
    from accounts.services import token_pair_issue

    with freeze_time(now() - settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"] * 2):
        old = token_pair_issue(user=user)

    response = api_client.post(REFRESH, {"refresh": old.refresh})

    assert_error(response, 401, "token_not_valid")


def test_a_deactivated_users_refresh_token_is_refused(api_client, token_pair, user):
    user.is_active = False
    user.save()

    response = api_client.post(REFRESH, {"refresh": token_pair.refresh})

    assert_error(response, 401, "token_not_valid")


def test_refresh_needs_a_token(api_client):
    assert_error(api_client.post(REFRESH, {}), 400, "invalid", fields=["refresh"])


# --- Logging out --------------------------------------------------------------------------------


def test_logging_out_answers_204(api_client, token_pair):
    response = api_client.post(LOGOUT, {"refresh": token_pair.refresh})

    assert response.status_code == 204
    assert response.headers["X-Request-ID"]


def test_the_refresh_token_is_refused_after_logout(api_client, token_pair):
    api_client.post(LOGOUT, {"refresh": token_pair.refresh})

    response = api_client.post(REFRESH, {"refresh": token_pair.refresh})

    assert_error(response, 401, "token_not_valid")


def test_the_access_token_is_refused_after_logout(api_client, token_pair):
    api_client.post(LOGOUT, {"refresh": token_pair.refresh})

    response = api_client.get(ME, **bearer(token_pair.access))

    assert_error(response, 401, "token_not_valid")


def test_access_tokens_from_rotation_are_refused_after_logout(api_client, token_pair):
    rotated = api_client.post(REFRESH, {"refresh": token_pair.refresh}).json()
    api_client.post(LOGOUT, {"refresh": rotated["refresh"]})

    for access in (token_pair.access, rotated["access"]):
        assert_error(api_client.get(ME, **bearer(access)), 401, "token_not_valid")


def test_logging_out_leaves_the_users_other_logins_working(api_client, user, password):
    phone = login(api_client, user.email, password).json()
    laptop = login(api_client, user.email, password).json()

    api_client.post(LOGOUT, {"refresh": phone["refresh"]})

    assert api_client.get(ME, **bearer(laptop["access"])).status_code == 200
    assert api_client.post(REFRESH, {"refresh": laptop["refresh"]}).status_code == 200


def test_logging_out_works_with_an_expired_access_token_sent_along(api_client, user, settings):
    from accounts.services import token_pair_issue

    with freeze_time(now() - settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] * 2):
        pair = token_pair_issue(user=user)

    response = api_client.post(LOGOUT, {"refresh": pair.refresh}, **bearer(pair.access))

    assert response.status_code == 204


def test_logging_out_twice_refuses_the_second_time(api_client, token_pair):
    api_client.post(LOGOUT, {"refresh": token_pair.refresh})

    response = api_client.post(LOGOUT, {"refresh": token_pair.refresh})

    assert_error(response, 401, "token_not_valid")


def test_logout_needs_a_refresh_token(api_client):
    assert_error(api_client.post(LOGOUT, {}), 400, "invalid", fields=["refresh"])


# --- Access tokens ------------------------------------------------------------------------------


def test_an_expired_access_token_is_refused(api_client, user, settings):
    from accounts.services import token_pair_issue

    with freeze_time(now() - settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] * 2):
        pair = token_pair_issue(user=user)

    assert_error(api_client.get(ME, **bearer(pair.access)), 401, "token_not_valid")


def test_a_token_without_a_session_id_is_refused(api_client, user):
    # simplejwt's own tokens have no sid: nothing could ever revoke them.
    access = str(AccessToken.for_user(user))

    assert_error(api_client.get(ME, **bearer(access)), 401, "token_not_valid")


def test_a_garbage_bearer_token_is_refused(api_client):
    assert_error(api_client.get(ME, **bearer("garbage")), 401, "token_not_valid")


@pytest.mark.parametrize("header", ["Bearer", "Bearer two parts"])
def test_a_malformed_authorization_header_is_refused_with_its_own_code(api_client, header):
    response = api_client.get(ME, HTTP_AUTHORIZATION=header)

    error = assert_error(response, 401, "bad_authorization_header")
    assert "space-delimited" in error["message"]


def test_a_deactivated_users_access_token_is_refused(api_client, token_pair, user):
    user.is_active = False
    user.save()

    response = api_client.get(ME, **bearer(token_pair.access))

    assert_error(response, 401, "user_inactive")


# --- an access token's verification, kept per process -----------------------------------------


def _me(api_client, access: str):
    return api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {access}")


def test_an_access_token_verified_once_still_expires(api_client, token_pair, settings):
    assert _me(api_client, token_pair.access).status_code == 200

    with freeze_time(now() + settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] * 2):
        response = _me(api_client, token_pair.access)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"


def test_an_access_token_verified_once_is_still_refused_after_logout(api_client, token_pair):
    assert _me(api_client, token_pair.access).status_code == 200
    api_client.post(LOGOUT, {"refresh": token_pair.refresh}, format="json")

    assert _me(api_client, token_pair.access).status_code == 401


def test_a_token_is_kept_by_its_whole_text_so_an_altered_copy_is_checked_anew(
    api_client, token_pair
):
    access = token_pair.access
    assert _me(api_client, access).status_code == 200
    header, payload, signature = access.split(".")
    altered = f"{header}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"

    assert _me(api_client, altered).status_code == 401
