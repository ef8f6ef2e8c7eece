"""Two-factor authentication through the API: me/mfa/totp/, me/mfa/recovery-codes/, and the
`mfa_required` step of auth/token/ with auth/token/mfa/."""

import time
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core import signing
from django.utils.timezone import now
from freezegun import freeze_time
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from tests.accounts.factories import EmailAddressFactory
from tests.accounts.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/token/"
LOGIN_MFA = "/api/v1/auth/token/mfa/"
TOTP_URL = "/api/v1/me/mfa/totp/"
RECOVERY_CODES = "/api/v1/me/mfa/recovery-codes/"
ME = "/api/v1/me/"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str, *, periods_from_now: int = 0) -> str:
    """The code an authenticator app shows now (the clock may be frozen by the test)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + periods_from_now))


def login(client, email, password, **extra):
    return client.post(LOGIN, {"email": email, "password": password}, **extra)


def mfa_token_of(client, user, password, **extra) -> str:
    response = login(client, user.email, password, **extra)
    assert response.status_code == 401, response.content
    return response.json()["mfa_token"]


@pytest.fixture
def clock():
    # Frozen at the real time: tokens issued by fixtures before it stay good.
    with freeze_time(now(), tick=False) as frozen:
        yield frozen


@pytest.fixture
def mfa_user(user):
    """`user` with TOTP on (secret SECRET) and recovery codes."""
    TOTP.activate(user, SECRET)
    RecoveryCodes.activate(user)
    return user


def recovery_codes(user) -> list[str]:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return RecoveryCodes(authenticator).get_unused_codes()


# --- Setting TOTP up ------------------------------------------------------------------------------


def test_the_full_flow_set_up_log_in_with_a_code_and_turn_off(
    jwt_client, api_client, user, password, clock
):
    assert jwt_client.get(ME).json()["totp_enabled"] is False
    setup = jwt_client.get(TOTP_URL)
    assert setup.status_code == 200
    body = setup.json()
    assert set(body) == {"secret", "otpauth_url", "qr_svg"}
    assert body["otpauth_url"].startswith("otpauth://totp/")
    assert f"secret={body['secret']}" in body["otpauth_url"]
    assert "issuer=Lingua" in body["otpauth_url"]
    assert "<svg" in body["qr_svg"]
    assert setup.headers["Cache-Control"] == "no-store"

    confirmed = jwt_client.post(TOTP_URL, {"code": totp_code(body["secret"])})
    assert confirmed.status_code == 200
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == 10
    assert confirmed.headers["Cache-Control"] == "no-store"
    assert jwt_client.get(RECOVERY_CODES).json() == {"recovery_codes": codes}
    assert jwt_client.get(ME).json()["totp_enabled"] is True

    # The password alone no longer logs in.
    first = login(api_client, user.email, password)
    error = assert_mfa_required(first)
    clock.tick(timedelta(seconds=30))
    second = api_client.post(
        LOGIN_MFA, {"mfa_token": error["mfa_token"], "code": totp_code(body["secret"])}
    )
    assert second.status_code == 200
    pair = second.json()
    assert api_client.get(ME, **bearer(pair["access"])).json()["id"] == user.pk

    clock.tick(timedelta(seconds=30))
    off = jwt_client.delete(TOTP_URL, {"code": totp_code(body["secret"])})
    assert off.status_code == 204
    assert not Authenticator.objects.filter(user=user).exists()
    assert jwt_client.get(ME).json()["totp_enabled"] is False
    assert login(api_client, user.email, password).status_code == 200


def assert_mfa_required(response) -> dict:
    assert response.status_code == 401, response.content
    body = response.json()
    assert set(body) == {"error", "mfa_token"}
    error = body["error"]
    assert error["code"] == "mfa_required"
    assert error["message"]
    assert error["mfa_token"] == body["mfa_token"]
    return error


def test_a_wrong_code_does_not_turn_totp_on(jwt_client, user, clock):
    secret = jwt_client.get(TOTP_URL).json()["secret"]

    response = jwt_client.post(TOTP_URL, {"code": totp_code(secret, periods_from_now=5)})

    assert_error(response, 400, "invalid_code", fields=["code"])
    assert not Authenticator.objects.filter(user=user).exists()


def test_a_code_of_an_earlier_set_up_does_not_confirm_the_new_one(jwt_client, user, clock):
    old_secret = jwt_client.get(TOTP_URL).json()["secret"]
    jwt_client.get(TOTP_URL)

    response = jwt_client.post(TOTP_URL, {"code": totp_code(old_secret)})

    assert_error(response, 400, "invalid_code")


def test_an_unverified_address_on_file_bars_a_set_up(jwt_client, user):
    EmailAddressFactory(user=user, email=user.email, verified=False)

    assert_error(jwt_client.get(TOTP_URL), 409, "mfa_email_unverified")


def test_confirming_needs_a_set_up_first(jwt_client, user):
    response = jwt_client.post(TOTP_URL, {"code": "123456"})

    assert_error(response, 409, "mfa_setup_not_started")


def test_a_set_up_expires(jwt_client, user, settings):
    # On the real clock: the pending secret lives in the cache, which expires keys by its own.
    settings.MFA_TOTP_SETUP_SECONDS = 1
    secret = jwt_client.get(TOTP_URL).json()["secret"]
    time.sleep(1.2)

    assert_error(
        jwt_client.post(TOTP_URL, {"code": totp_code(secret)}), 409, "mfa_setup_not_started"
    )


def test_a_second_set_up_is_refused_while_totp_is_on(jwt_client, mfa_user):
    assert_error(jwt_client.get(TOTP_URL), 409, "mfa_already_enabled")
    assert_error(jwt_client.post(TOTP_URL, {"code": "123456"}), 409, "mfa_already_enabled")


def test_the_code_is_required(jwt_client, user):
    jwt_client.get(TOTP_URL)

    assert_error(jwt_client.post(TOTP_URL, {}), 400, "invalid", fields=["code"])


def test_mfa_endpoints_need_an_access_token(api_client):
    for response in (
        api_client.get(TOTP_URL),
        api_client.post(TOTP_URL, {"code": "123456"}),
        api_client.delete(TOTP_URL, {"code": "123456"}),
        api_client.get(RECOVERY_CODES),
    ):
        assert response.status_code == 401


# --- Recovery codes -----------------------------------------------------------------------------


def test_recovery_codes_are_listed_while_mfa_is_on(jwt_client, mfa_user):
    response = jwt_client.get(RECOVERY_CODES)

    assert response.status_code == 200
    assert response.json()["recovery_codes"] == recovery_codes(mfa_user)
    assert response.headers["Cache-Control"] == "no-store"


def test_recovery_codes_need_mfa_on(jwt_client, user):
    assert_error(jwt_client.get(RECOVERY_CODES), 409, "mfa_not_enabled")


# --- Logging in with a second factor ------------------------------------------------------------


def test_a_right_password_gives_no_tokens_while_totp_is_on(api_client, mfa_user, password):
    assert_mfa_required(login(api_client, mfa_user.email, password))

    assert not OutstandingToken.objects.filter(user=mfa_user).exists()


def test_a_wrong_password_is_refused_before_any_second_step(api_client, mfa_user):
    response = login(api_client, mfa_user.email, "wrong")

    assert_error(response, 401, "invalid_credentials")


def test_a_totp_code_completes_the_login(api_client, mfa_user, password, clock):
    token = mfa_token_of(api_client, mfa_user, password)

    response = api_client.post(LOGIN_MFA, {"mfa_token": token, "code": totp_code(SECRET)})

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    mfa_user.refresh_from_db()
    assert mfa_user.last_login is not None


def test_a_lost_device_is_recovered_with_a_recovery_code_once(api_client, mfa_user, password):
    code = recovery_codes(mfa_user)[0]

    first = api_client.post(
        LOGIN_MFA, {"mfa_token": mfa_token_of(api_client, mfa_user, password), "code": code}
    )
    assert first.status_code == 200
    assert code not in recovery_codes(mfa_user)

    again = api_client.post(
        LOGIN_MFA, {"mfa_token": mfa_token_of(api_client, mfa_user, password), "code": code}
    )
    assert_error(again, 401, "invalid_code")


def test_a_totp_code_is_not_taken_twice(api_client, mfa_user, password, clock):
    code = totp_code(SECRET)
    first = api_client.post(
        LOGIN_MFA, {"mfa_token": mfa_token_of(api_client, mfa_user, password), "code": code}
    )
    assert first.status_code == 200

    replay = api_client.post(
        LOGIN_MFA, {"mfa_token": mfa_token_of(api_client, mfa_user, password), "code": code}
    )

    assert_error(replay, 401, "invalid_code")


def test_a_wrong_code_is_refused(api_client, mfa_user, password, clock):
    token = mfa_token_of(api_client, mfa_user, password)

    response = api_client.post(
        LOGIN_MFA, {"mfa_token": token, "code": totp_code(SECRET, periods_from_now=3)}
    )

    assert_error(response, 401, "invalid_code")
    assert not OutstandingToken.objects.filter(user=mfa_user).exists()


def test_an_mfa_token_is_good_for_one_login(api_client, mfa_user, password, clock):
    token = mfa_token_of(api_client, mfa_user, password)
    assert (
        api_client.post(LOGIN_MFA, {"mfa_token": token, "code": totp_code(SECRET)}).status_code
        == 200
    )
    clock.tick(timedelta(seconds=30))

    response = api_client.post(LOGIN_MFA, {"mfa_token": token, "code": totp_code(SECRET)})

    assert_error(response, 401, "token_not_valid")


def test_an_mfa_token_expires(api_client, mfa_user, password, clock, settings):
    token = mfa_token_of(api_client, mfa_user, password)
    clock.tick(timedelta(seconds=settings.MFA_LOGIN_TOKEN_SECONDS + 1))

    response = api_client.post(LOGIN_MFA, {"mfa_token": token, "code": totp_code(SECRET)})

    assert_error(response, 401, "token_not_valid")


def test_an_mfa_token_dies_with_a_password_change(api_client, mfa_user, password, clock):
    token = mfa_token_of(api_client, mfa_user, password)
    mfa_user.set_password("another-long-passphrase")
    mfa_user.save()

    response = api_client.post(LOGIN_MFA, {"mfa_token": token, "code": totp_code(SECRET)})

    assert_error(response, 401, "token_not_valid")


def test_other_signed_values_do_not_pass_for_an_mfa_token(
    api_client, mfa_user, password, token_pair, clock
):
    forged = signing.dumps({"uid": mfa_user.pk, "fp": "x"}, salt="accounts.mfa.login-token")
    for token in (token_pair.access, token_pair.refresh, forged, "garbage"):
        response = api_client.post(LOGIN_MFA, {"mfa_token": token, "code": totp_code(SECRET)})
        assert_error(response, 401, "token_not_valid")


def test_an_mfa_token_is_not_an_access_token(api_client, mfa_user, password):
    token = mfa_token_of(api_client, mfa_user, password)

    assert api_client.get(ME, **bearer(token)).status_code == 401


def test_the_second_step_needs_both_fields(api_client):
    assert_error(api_client.post(LOGIN_MFA, {}), 400, "invalid", fields=["mfa_token", "code"])


# --- Wrong codes count in the login policy ------------------------------------------------------


@pytest.fixture
def limit_3(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def test_wrong_codes_lock_the_pair_even_for_a_right_code(
    api_client, mfa_user, password, limit_3, clock
):
    token = mfa_token_of(api_client, mfa_user, password, REMOTE_ADDR="10.0.0.1")
    for n in range(1, 3):
        wrong = api_client.post(
            LOGIN_MFA,
            {"mfa_token": token, "code": totp_code(SECRET, periods_from_now=n)},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
        assert_error(wrong, 401, "invalid_code")
    third = api_client.post(
        LOGIN_MFA, {"mfa_token": token, "code": "000000"}, REMOTE_ADDR="10.0.0.1"
    )
    assert_error(third, 429, "throttled")

    right = api_client.post(
        LOGIN_MFA,
        {"mfa_token": token, "code": totp_code(SECRET)},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )

    assert_error(right, 429, "throttled")
    assert right.headers["Retry-After"] == "900"
    assert not OutstandingToken.objects.filter(user=mfa_user).exists()


def test_a_locked_pair_does_not_spend_a_recovery_code(api_client, mfa_user, password, limit_3):
    token = mfa_token_of(api_client, mfa_user, password, REMOTE_ADDR="10.0.0.1")
    for _ in range(3):
        api_client.post(LOGIN_MFA, {"mfa_token": token, "code": "1"}, REMOTE_ADDR="10.0.0.1")
    code = recovery_codes(mfa_user)[0]

    response = api_client.post(
        LOGIN_MFA, {"mfa_token": token, "code": code}, REMOTE_ADDR="10.0.0.1"
    )

    assert_error(response, 429, "throttled")
    assert code in recovery_codes(mfa_user)


def test_a_right_password_does_not_wipe_the_count_of_wrong_codes(
    api_client, mfa_user, password, limit_3
):
    for _ in range(2):
        token = mfa_token_of(api_client, mfa_user, password)
        api_client.post(LOGIN_MFA, {"mfa_token": token, "code": "000000"})
    token = mfa_token_of(api_client, mfa_user, password)

    response = api_client.post(LOGIN_MFA, {"mfa_token": token, "code": "000000"})

    assert_error(response, 429, "throttled")


def test_a_full_login_clears_the_count(api_client, mfa_user, password, limit_3, clock):
    token = mfa_token_of(api_client, mfa_user, password)
    for _ in range(2):
        api_client.post(LOGIN_MFA, {"mfa_token": token, "code": "000000"})
    assert (
        api_client.post(LOGIN_MFA, {"mfa_token": token, "code": totp_code(SECRET)}).status_code
        == 200
    )

    token = mfa_token_of(api_client, mfa_user, password)
    for _ in range(2):
        response = api_client.post(LOGIN_MFA, {"mfa_token": token, "code": "000000"})
        assert_error(response, 401, "invalid_code")


def test_wrong_codes_lock_the_first_step_of_that_pair_too(api_client, mfa_user, password, limit_3):
    token = mfa_token_of(api_client, mfa_user, password, REMOTE_ADDR="10.0.0.1")
    for _ in range(3):
        api_client.post(LOGIN_MFA, {"mfa_token": token, "code": "0"}, REMOTE_ADDR="10.0.0.1")

    assert_error(
        login(api_client, mfa_user.email, password, REMOTE_ADDR="10.0.0.1"), 429, "throttled"
    )
    assert_mfa_required(login(api_client, mfa_user.email, password, REMOTE_ADDR="10.0.0.2"))


# --- Turning TOTP off ---------------------------------------------------------------------------


def test_turning_totp_off_needs_a_right_code(jwt_client, mfa_user, clock):
    response = jwt_client.delete(TOTP_URL, {"code": totp_code(SECRET, periods_from_now=2)})

    assert_error(response, 400, "invalid_code", fields=["code"])
    assert Authenticator.objects.filter(user=mfa_user, type=Authenticator.Type.TOTP).exists()


def test_turning_totp_off_needs_the_code_field(jwt_client, mfa_user):
    assert_error(jwt_client.delete(TOTP_URL, {}), 400, "invalid", fields=["code"])


def test_a_recovery_code_turns_totp_off(jwt_client, mfa_user):
    response = jwt_client.delete(TOTP_URL, {"code": recovery_codes(mfa_user)[0]})

    assert response.status_code == 204
    assert not Authenticator.objects.filter(user=mfa_user).exists()
    assert_error(jwt_client.get(RECOVERY_CODES), 409, "mfa_not_enabled")


def test_turning_off_what_is_off_is_a_conflict(jwt_client, user):
    assert_error(jwt_client.delete(TOTP_URL, {"code": "123456"}), 409, "mfa_not_enabled")


def test_guessing_codes_to_turn_totp_off_is_throttled(jwt_client, mfa_user, limit_3, clock):
    for n in range(1, 4):
        jwt_client.delete(TOTP_URL, {"code": totp_code(SECRET, periods_from_now=n)})

    response = jwt_client.delete(TOTP_URL, {"code": totp_code(SECRET)})

    assert_error(response, 429, "throttled")
    assert Authenticator.objects.filter(user=mfa_user, type=Authenticator.Type.TOTP).exists()


def test_a_new_set_up_after_turning_off_makes_new_recovery_codes(jwt_client, mfa_user, clock):
    old_codes = recovery_codes(mfa_user)
    jwt_client.delete(TOTP_URL, {"code": totp_code(SECRET)})
    secret = jwt_client.get(TOTP_URL).json()["secret"]

    response = jwt_client.post(TOTP_URL, {"code": totp_code(secret)})

    assert response.status_code == 200
    assert set(response.json()["recovery_codes"]).isdisjoint(old_codes)
