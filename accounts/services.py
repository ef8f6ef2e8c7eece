"""Writes of the accounts app: registration, profile, tokens and sessions, social login, export
and deletion. Each function takes plain keyword arguments, validates, and writes in one
transaction; views only parse, call and render.
"""

import uuid
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpRequest
from django.utils.timezone import now
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts.error_codes import AccountsErrorCode
from accounts.models import User
from accounts.registry import deletion_hooks, exporters
from accounts.selectors import (
    account_export,
    session_is_revoked,
    session_revocation_key,
    social_provider_get,
    user_get_by_email,
)
from accounts.throttling import login_failure_record
from accounts.tokens import SID_CLAIM
from accounts.validators import normalize_display_text, validate_display_text
from config.api.errors import ApplicationError, Conflict

# --- Tokens and sessions -----------------------------------------------------------------------


def _token_refused() -> ApplicationError:
    return ApplicationError(
        "The token is not valid, has expired or was revoked.",
        code=AccountsErrorCode.TOKEN_NOT_VALID,
        status_code=401,
    )


def _outstand(*, token: RefreshToken, user: User) -> None:
    # What simplejwt's `for_user()` records, but of the token as issued, sid included.
    OutstandingToken.objects.create(
        user=user,
        jti=token[jwt_settings.JTI_CLAIM],
        token=str(token),
        created_at=token.current_time,
        expires_at=datetime_from_epoch(token["exp"]),
    )


def user_token_pair(*, user: User) -> dict[str, str]:
    """A new login: a refresh token with a new session id, and its access token."""
    refresh = RefreshToken()
    refresh[jwt_settings.USER_ID_CLAIM] = str(getattr(user, jwt_settings.USER_ID_FIELD))
    refresh[SID_CLAIM] = uuid.uuid4().hex
    _outstand(token=refresh, user=user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def session_revoke(*, sid: str) -> None:
    """Refuses every token of the login `sid`, access tokens included.

    Kept for the refresh lifetime: by then every token the login could hold has expired.
    """
    timeout = int(jwt_settings.REFRESH_TOKEN_LIFETIME.total_seconds())
    cache.set(session_revocation_key(sid), True, timeout=timeout)


def _refresh_token_parse(raw: str) -> RefreshToken:
    """A refresh token that is signed by us, unexpired, not blacklisted, of a live session."""
    try:
        token = RefreshToken(raw)
    except TokenError as exc:
        raise _token_refused() from exc
    sid = token.get(SID_CLAIM)
    if not sid or session_is_revoked(sid=sid):
        raise _token_refused()
    return token


def token_refresh(*, refresh: str) -> dict[str, str]:
    """Rotation: a new pair for the same session; the presented refresh token is blacklisted."""
    token = _refresh_token_parse(refresh)
    user = User.objects.filter(
        **{jwt_settings.USER_ID_FIELD: token[jwt_settings.USER_ID_CLAIM]}, is_active=True
    ).first()
    if user is None:
        raise _token_refused()
    with transaction.atomic():
        # get_or_create on the blacklist's unique key: of two requests racing with the same
        # refresh token, only one rotates it.
        _, created = token.blacklist()
        if not created:
            raise _token_refused()
        token.set_jti()
        token.set_exp()
        token.set_iat()
        _outstand(token=token, user=user)
    return {"access": str(token.access_token), "refresh": str(token)}


def session_logout(*, refresh: str) -> None:
    """Ends the login of `refresh`: the token is blacklisted and its session's access tokens
    are refused from now on."""
    token = _refresh_token_parse(refresh)
    token.blacklist()
    session_revoke(sid=token[SID_CLAIM])


def user_sessions_revoke(*, user: User) -> None:
    """Ends every login of the user: blacklists each live refresh token and revokes its
    session."""
    tokens = list(
        OutstandingToken.objects.filter(
            user=user, expires_at__gt=now(), blacklistedtoken__isnull=True
        ).only("id", "token")
    )
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in tokens], ignore_conflicts=True
    )
    sids = set()
    for token in tokens:
        try:
            # Our own rows, written by `_outstand`: no signature to check.
            sid = token_backend.decode(token.token, verify=False).get(SID_CLAIM)
        except TokenBackendError:
            continue
        if sid:
            sids.add(sid)

    # At once rather than on commit: should the transaction roll back, the user merely logs in
    # again, while a revocation lost after commit would leave stolen tokens working.
    for sid in sids:
        session_revoke(sid=sid)


# One short transaction per batch, so a large backlog never holds the token tables for long.
EXPIRED_TOKENS_PER_BATCH = 1000


def tokens_expired_flush() -> int:
    """Deletes refresh tokens past their expiry, with their blacklist rows; returns how many.

    Every login and every rotation records a token, and past its expiry one can be neither used
    nor revoked: kept, they would pile up without end (simplejwt's `flushexpiredtokens`, in
    batches).
    """
    deleted = 0
    while True:
        ids = list(
            OutstandingToken.objects.filter(expires_at__lte=now())
            .order_by("pk")
            .values_list("pk", flat=True)[:EXPIRED_TOKENS_PER_BATCH]
        )
        if not ids:
            return deleted
        with transaction.atomic():
            _, per_model = OutstandingToken.objects.filter(pk__in=ids).delete()
        deleted += per_model.get(OutstandingToken._meta.label, 0)


# --- Logging in --------------------------------------------------------------------------------


def _logged_in(*, user: User) -> dict[str, str]:
    with transaction.atomic():
        if jwt_settings.UPDATE_LAST_LOGIN:
            update_last_login(None, user)
        return user_token_pair(user=user)


def user_login(*, email: str, password: str, client_ip: str | None) -> dict[str, str]:
    """A token pair for the right email and password; a counted failure otherwise."""
    # ModelBackend: the email in any case (the manager's natural key), only active users, and
    # a password hash computed even for an unknown email, so timing tells nothing.
    user = ModelBackend().authenticate(None, username=email, password=password)
    if user is None:
        login_failure_record(ip=client_ip, email=email)
        raise ApplicationError(
            "The email or password is not correct.",
            code=AccountsErrorCode.INVALID_CREDENTIALS,
            status_code=401,
        )
    return _logged_in(user=user)


# --- Registration and profile ------------------------------------------------------------------


def _email_taken() -> ApplicationError:
    message = "An account with this email already exists."
    return ApplicationError(
        message, code=AccountsErrorCode.EMAIL_TAKEN, fields={"email": [message]}
    )


def _password_validate(*, password: str, user: User, field: str) -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ApplicationError(
            "Choose a stronger password.",
            code=AccountsErrorCode.WEAK_PASSWORD,
            fields={field: exc.messages},
        ) from exc


def user_register(*, email: str, password: str, display_name: str, timezone: str = "UTC") -> User:
    user = User(
        email=User.objects.normalize_email(email.strip()),
        display_name=display_name.strip(),
        timezone=timezone,
    )
    # The model's own field rules (email format, lengths, a known IANA time zone).
    user.clean_fields(exclude=["password"])
    if user_get_by_email(email=user.email) is not None:
        raise _email_taken()
    _password_validate(password=password, user=user, field="password")
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # registered by a concurrent request since the check
        raise _email_taken() from exc
    return user


def user_update(
    *,
    user: User,
    display_name: str | None = None,
    timezone: str | None = None,
    daily_goal_xp: int | None = None,
) -> User:
    """Changes the given profile fields; None leaves a field as it is."""
    changes = {
        "display_name": display_name.strip() if display_name is not None else None,
        "timezone": timezone,
        "daily_goal_xp": daily_goal_xp,
    }
    changed = [name for name, value in changes.items() if value is not None]
    if not changed:
        return user
    for name in changed:
        setattr(user, name, changes[name])
    user.clean_fields(exclude=[f.name for f in User._meta.fields if f.name not in changed])
    user.save(update_fields=changed)
    return user


def _password_confirm(*, user: User, password: str, client_ip: str | None, field: str) -> None:
    """The signed-in user proves it is them before a grave change. A wrong password counts as a
    failed login: a stolen access token must not become a way to guess the password."""
    if not user.has_usable_password():
        raise ApplicationError(
            "This account has no password yet: set one through the password reset first.",
            code=AccountsErrorCode.PASSWORD_NOT_SET,
        )
    if not user.check_password(password):
        login_failure_record(ip=client_ip, email=user.email)
        message = "The password is not correct."
        raise ApplicationError(
            message, code=AccountsErrorCode.WRONG_PASSWORD, fields={field: [message]}
        )


def user_password_change(
    *, user: User, current_password: str, new_password: str, client_ip: str | None
) -> dict[str, str]:
    """Sets a new password and ends every login of the user; returns a pair for a new one."""
    _password_confirm(
        user=user, password=current_password, client_ip=client_ip, field="current_password"
    )
    _password_validate(password=new_password, user=user, field="new_password")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        user_sessions_revoke(user=user)
        return user_token_pair(user=user)


# --- Social login ------------------------------------------------------------------------------


def _social_display_name(sociallogin: SocialLogin, email: str) -> str:
    data = sociallogin.account.extra_data or {}
    name = data.get("name") or data.get("given_name") or data.get("first_name")
    max_length = User._meta.get_field("display_name").max_length
    name = normalize_display_text(name)[:max_length] if isinstance(name, str) else ""
    try:
        validate_display_text(name)
    except DjangoValidationError:
        # A provider's name the check refuses is no reason to refuse the login: the learner
        # can choose another name in their profile.
        name = email.split("@", 1)[0][:max_length]
    return name


def _lock_out_unverified_owner(*, user: User, email: str) -> None:
    """allauth's guard when a social login connects by email (its `wipe_password`): someone may
    have registered the victim's address without ever proving it, and would keep a password to
    an account the victim now uses. Unless the address was verified here, the password goes and
    so does every login made with it."""
    if EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
        return
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user_sessions_revoke(user=user)


def _social_user(*, request: HttpRequest, sociallogin: SocialLogin) -> User:
    account = sociallogin.account
    existing = (
        SocialAccount.objects.select_related("user")
        .filter(provider=account.provider, uid=account.uid)
        .first()
    )
    if existing is not None:
        existing.extra_data = account.extra_data
        existing.save(update_fields=["extra_data", "last_login"])
        return existing.user

    # Connect: only an address the provider vouches for may open an existing account.
    for address in sociallogin.email_addresses:
        user = user_get_by_email(email=address.email) if address.verified else None
        if user is not None:
            _lock_out_unverified_owner(user=user, email=address.email)
            sociallogin.connect(request, user)
            return user

    # Create: as allauth's auto-signup, with the provider's (primary) address.
    emails = [address.email for address in sociallogin.email_addresses]
    email = (sociallogin.user.email or (emails[0] if emails else "")).strip()
    if not email:
        raise ApplicationError(
            "The provider shared no email address; allow it to and try again.",
            code=AccountsErrorCode.SOCIAL_EMAIL_MISSING,
        )
    if user_get_by_email(email=email) is not None:
        raise Conflict(
            "An account with this email exists, and the provider does not vouch for the "
            "address: log in with your password instead.",
            code=AccountsErrorCode.SOCIAL_EMAIL_UNVERIFIED,
        )
    user = sociallogin.user
    user.email = User.objects.normalize_email(email)
    user.display_name = _social_display_name(sociallogin, email)
    user.set_unusable_password()
    user.clean_fields(exclude=["password"])
    sociallogin.save(request)  # the user, the social account and the email addresses
    return user


def social_login(
    *,
    request: HttpRequest,
    provider: str,
    access_token: str | None = None,
    id_token: str | None = None,
    client_id: str | None = None,
) -> dict[str, str]:
    """The mobile flow: the app signed in with the provider's SDK and hands over its token.

    allauth's provider verifies the token (the same code as allauth's headless "provider
    token" flow); then the user of that social account logs in, or the user whose email the
    provider vouches for is connected to it, or a new user is created.
    """
    social_provider = social_provider_get(request=request, provider=provider, client_id=client_id)
    token = {
        key: value
        for key, value in (
            ("access_token", access_token),
            ("id_token", id_token),
            ("client_id", client_id),
        )
        if value
    }
    try:
        sociallogin = social_provider.verify_token(request, token)
    # allauth reads the key id and algorithm from the token's unverified header by indexing
    # (`header["kid"]`), so a crafted id_token without them escapes as a KeyError.
    except (DjangoValidationError, LookupError, TypeError) as exc:
        raise ApplicationError(
            "The provider did not accept the token.",
            code=AccountsErrorCode.SOCIAL_TOKEN_INVALID,
            status_code=401,
        ) from exc
    try:
        with transaction.atomic():
            user = _social_user(request=request, sociallogin=sociallogin)
            if not user.is_active:
                raise ApplicationError(
                    "This account is disabled.",
                    code=AccountsErrorCode.ACCOUNT_INACTIVE,
                    status_code=401,
                )
            return _logged_in(user=user)
    except IntegrityError as exc:
        # Two first logins of the same person raced to create the account or the connection.
        raise Conflict(
            "Another login of this account was in progress; try again.",
            code=AccountsErrorCode.SOCIAL_LOGIN_CONFLICT,
        ) from exc


# --- Export and deletion -----------------------------------------------------------------------


def user_export(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about the user: accounts' own data, then one section per
    exporter other apps registered (see `accounts.registry`)."""
    data: dict[str, Any] = {"exported_at": now().isoformat(), **account_export(user=user)}
    for name, exporter in exporters().items():
        data[name] = exporter(user=user)
    return data


def user_erase(*, user: User) -> None:
    """Deletes the user and, by cascade and the registered hooks, their personal data; every
    login of theirs ends. The admin's deletion comes here too."""
    with transaction.atomic():
        for hook in deletion_hooks().values():
            hook(user=user)
        user_sessions_revoke(user=user)
        try:
            user.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise Conflict(
                "The account cannot be deleted while other records depend on it.",
                code=AccountsErrorCode.DELETION_BLOCKED,
            ) from exc


def user_delete(*, user: User, password: str, client_ip: str | None) -> None:
    """The learner deletes their own account, confirming with their password."""
    _password_confirm(user=user, password=password, client_ip=client_ip, field="password")
    user_erase(user=user)
