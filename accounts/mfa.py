"""TOTP and recovery codes for API users, on allauth.mfa's own models and code checks.

allauth keeps a set-up's secret in the session of its pages; API clients have none, so a set-up
started through the API keeps its secret in the cache until the confirming code arrives. Once
confirmed, TOTP and recovery codes are allauth `Authenticator` rows like those its pages make, so
a learner may switch between the API and the pages freely.

The second step of a token login carries an `mfa_token`: signed, short-lived, salted for this one
purpose (no access token or other signed value passes for it), and bound to the user's password
and last login, so it is good for one login and dies with a password change.
"""

from dataclasses import dataclass

from allauth.mfa import signals
from allauth.mfa.adapter import get_adapter
from allauth.mfa.base.internal.flows import delete_dangling_recovery_codes
from allauth.mfa.internal.flows.add import validate_can_add_authenticator
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, validate_totp_code
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.error_codes import AccountsErrorCode
from accounts.models import User
from accounts.throttling import (
    login_failure_record,
    login_failures_reset,
    login_is_locked,
    login_locked_out,
)
from config.api.errors import ApplicationError, Conflict

_CODE_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)
_TOKEN_SALT = "accounts.mfa.login-token"


class MFARequired(ApplicationError):
    """The password was right; the login now needs a code, sent with `mfa_token`."""

    status_code = 401
    default_code = AccountsErrorCode.MFA_REQUIRED

    def __init__(self, *, mfa_token: str):
        super().__init__("Enter the code of your authenticator app, or a recovery code.")
        self.mfa_token = mfa_token


def totp_is_enabled(*, user: User) -> bool:
    return is_mfa_enabled(user, types=[Authenticator.Type.TOTP])


# --- The login's second step -------------------------------------------------------------------


def _login_fingerprint(user: User) -> str:
    return salted_hmac(_TOKEN_SALT, f"{user.pk}:{user.password}:{user.last_login}").hexdigest()


def mfa_token_issue(*, user: User) -> str:
    return signing.dumps({"uid": user.pk, "fp": _login_fingerprint(user)}, salt=_TOKEN_SALT)


def mfa_token_user(*, mfa_token: str) -> User:
    """The user whose login `mfa_token` continues; 401 `token_not_valid` otherwise."""
    refused = ApplicationError(
        "The mfa_token is not valid or has expired: log in again.",
        code=AccountsErrorCode.TOKEN_NOT_VALID,
        status_code=401,
    )
    try:
        data = signing.loads(mfa_token, salt=_TOKEN_SALT, max_age=settings.MFA_LOGIN_TOKEN_SECONDS)
    except signing.BadSignature as exc:  # expired tokens too
        raise refused from exc
    if not isinstance(data, dict):
        raise refused
    user = User.objects.filter(pk=data.get("uid"), is_active=True).first()
    if user is None or not constant_time_compare(str(data.get("fp")), _login_fingerprint(user)):
        raise refused
    return user


def mfa_code_verify(*, user: User, code: str) -> bool:
    """Whether `code` is a current TOTP code or an unused recovery code of the user; a recovery
    code is spent by it, a TOTP code cannot be replayed within its period (allauth's checks)."""
    code = code.strip().replace(" ", "")
    with transaction.atomic():
        # Locked: two requests racing with one recovery code must not both spend it.
        authenticators = Authenticator.objects.select_for_update().filter(
            user=user, type__in=_CODE_TYPES
        )
        for authenticator in authenticators:
            if authenticator.wrap().validate_code(code):
                authenticator.record_usage()
                return True
    return False


# --- Setting TOTP up and off -------------------------------------------------------------------


def _setup_key(user: User) -> str:
    return f"accounts:mfa:totp-setup:{user.pk}"


def _mfa_already_enabled() -> Conflict:
    return Conflict(
        "Two-factor authentication is already on for this account.",
        code=AccountsErrorCode.MFA_ALREADY_ENABLED,
    )


def _mfa_not_enabled() -> Conflict:
    return Conflict(
        "Two-factor authentication is not on for this account.",
        code=AccountsErrorCode.MFA_NOT_ENABLED,
    )


def _invalid_code() -> ApplicationError:
    message = "The code is not correct."
    return ApplicationError(
        message, code=AccountsErrorCode.INVALID_CODE, fields={"code": [message]}
    )


def _can_add_check(user: User) -> None:
    if totp_is_enabled(user=user):
        raise _mfa_already_enabled()
    # allauth's rule: not while an address on file is unverified, or whoever signed up with
    # someone else's address could lock its owner out for good with a second factor.
    try:
        validate_can_add_authenticator(user)
    except ValidationError as exc:
        raise Conflict(
            "Verify your email address before turning on two-factor authentication.",
            code=AccountsErrorCode.MFA_EMAIL_UNVERIFIED,
        ) from exc


@dataclass(frozen=True)
class TotpSetup:
    secret: str
    otpauth_url: str
    qr_svg: str


def totp_setup_start(*, user: User) -> TotpSetup:
    """A new secret for the user's authenticator app, waiting for `totp_setup_confirm`; each
    start replaces the secret of an earlier, unconfirmed one."""
    _can_add_check(user)
    secret = generate_totp_secret()
    cache.set(_setup_key(user), secret, timeout=settings.MFA_TOTP_SETUP_SECONDS)
    adapter = get_adapter()
    url = adapter.build_totp_url(user, secret)
    return TotpSetup(secret=secret, otpauth_url=url, qr_svg=adapter.build_totp_svg(url))


def totp_setup_confirm(*, request: HttpRequest, user: User, code: str) -> list[str]:
    """Turns TOTP on with the pending secret once the app shows a right code; returns the
    recovery codes, made with it."""
    _can_add_check(user)
    secret = cache.get(_setup_key(user))
    if not secret:
        raise Conflict(
            "No set-up is waiting, or it expired: start one with GET me/mfa/totp/.",
            code=AccountsErrorCode.MFA_SETUP_NOT_STARTED,
        )
    if not validate_totp_code(secret, code.strip().replace(" ", "")):
        raise _invalid_code()
    try:
        with transaction.atomic():
            totp = TOTP.activate(user, secret).instance
            # A fresh set: codes left from an earlier TOTP must not outlive it.
            Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).delete()
            recovery = RecoveryCodes.activate(user)
    except IntegrityError as exc:  # a concurrent confirmation won
        raise _mfa_already_enabled() from exc
    cache.delete(_setup_key(user))
    for authenticator in (totp, recovery.instance):
        signals.authenticator_added.send(
            sender=Authenticator, request=request, user=user, authenticator=authenticator
        )
    return recovery.get_unused_codes()


def totp_deactivate(*, request: HttpRequest, user: User, code: str) -> None:
    """Turns TOTP off, and the recovery codes that went with it. A wrong code counts as a failed
    login: a stolen access token must not become a way to guess codes."""
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is None:
        raise _mfa_not_enabled()
    if login_is_locked(request=request, email=user.email):
        login_failure_record(request=request, email=user.email)
        raise login_locked_out()
    if not mfa_code_verify(user=user, code=code):
        if login_failure_record(request=request, email=user.email):
            raise login_locked_out()
        raise _invalid_code()
    login_failures_reset(request=request, email=user.email)
    totp.delete()
    removed_codes = delete_dangling_recovery_codes(user)
    for authenticator in (totp, removed_codes):
        if authenticator is not None:
            signals.authenticator_removed.send(
                sender=Authenticator, request=request, user=user, authenticator=authenticator
            )


def recovery_codes_list(*, user: User) -> list[str]:
    """The recovery codes not used yet."""
    authenticator = Authenticator.objects.filter(
        user=user, type=Authenticator.Type.RECOVERY_CODES
    ).first()
    if authenticator is None or not totp_is_enabled(user=user):
        raise _mfa_not_enabled()
    return RecoveryCodes(authenticator).get_unused_codes()
