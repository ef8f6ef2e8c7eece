"""Writes of the accounts app: registration, profile, tokens and sessions, social login, export
and deletion. Each function takes plain keyword arguments, validates, and writes in one
transaction; views only parse, call and render.
"""

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from allauth.account.forms import default_token_generator as password_reset_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import url_str_to_user_pk, user_pk_to_url_str
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.timezone import now
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts.error_codes import AccountsErrorCode
from accounts.mfa import (
    MFARequired,
    mfa_code_verify,
    mfa_token_issue,
    mfa_token_user,
    totp_is_enabled,
)
from accounts.models import LoginSession, User
from accounts.registry import deletion_hooks, exporters
from accounts.selectors import (
    account_export,
    social_provider_get,
    user_get_by_email,
)
from accounts.throttling import (
    login_failure_record,
    login_failures_reset,
    login_is_locked,
    login_locked_out,
)
from accounts.tokens import SID_CLAIM, SessionRefreshToken
from accounts.usernames import username_normalize
from accounts.validators import normalize_display_text, validate_display_text
from config.api.errors import ApplicationError, Conflict
from config.background import task_enqueue

logger = logging.getLogger(__name__)

# --- Tokens and sessions -----------------------------------------------------------------------


@dataclass(frozen=True)
class TokenPair:
    """What a login, a rotation or a password change hands the client."""

    access: str
    refresh: str


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


def token_pair_issue(*, user: User) -> TokenPair:
    """A new login: its session row, a refresh token with the new session id, its access token."""
    refresh = RefreshToken()
    refresh[jwt_settings.USER_ID_CLAIM] = str(getattr(user, jwt_settings.USER_ID_FIELD))
    refresh[SID_CLAIM] = uuid.uuid4().hex
    with transaction.atomic():
        LoginSession.objects.create(
            sid=refresh[SID_CLAIM],
            user=user,
            created_at=refresh.current_time,
            refresh_jti=refresh[jwt_settings.JTI_CLAIM],
            expires_at=datetime_from_epoch(refresh["exp"]),
        )
        _outstand(token=refresh, user=user)
    return TokenPair(access=str(refresh.access_token), refresh=str(refresh))


def _session_tokens_blacklist(*, sessions: list[LoginSession]) -> None:
    # The session row is what refuses the tokens; the blacklist is kept true as well, since the
    # export's list of logins reads it.
    jtis = [session.refresh_jti for session in sessions]
    if not jtis:
        return
    tokens = OutstandingToken.objects.filter(jti__in=jtis, blacklistedtoken__isnull=True)
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in tokens.only("id")], ignore_conflicts=True
    )


def login_session_revoke(*, session: LoginSession, reason: str) -> None:
    """Refuses every token of the login from now on, access tokens included."""
    if session.revoked_at is None:
        session.revoked_at = now()
        session.revoke_reason = reason
        session.save(update_fields=["revoked_at", "revoke_reason"])
    _session_tokens_blacklist(sessions=[session])


def _refresh_token_parse(raw: str) -> SessionRefreshToken:
    """A refresh token signed by us, unexpired, with a session id. Whether its session is live,
    and whether it is that session's newest refresh token, the caller checks under a lock."""
    try:
        token = SessionRefreshToken(raw)
    except TokenError as exc:
        raise _token_refused() from exc
    if not token.get(SID_CLAIM):
        raise _token_refused()
    return token


def _login_session_lock(*, token: RefreshToken) -> LoginSession | None:
    """The token's session, locked until the transaction ends, if it is live; a token that is
    not the session's newest refresh token (one already rotated) revokes it.

    Two requests with the same token queue on the row: the first rotates it, the second then
    finds an older jti and is a replay like any other (OAuth 2.0 Security BCP, 4.14.2; the
    client cannot tell a race from theft). Clients must not refresh one login concurrently.
    """
    session = (
        # Only the session row: refreshes of the user's other logins need not wait.
        LoginSession.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(sid=token[SID_CLAIM])
        .first()
    )
    if session is None or session.is_revoked:
        return None
    if str(session.user_id) != str(token[jwt_settings.USER_ID_CLAIM]):
        return None
    if session.refresh_jti != token[jwt_settings.JTI_CLAIM]:
        login_session_revoke(session=session, reason=LoginSession.RevokeReason.REFRESH_REUSE)
        return None
    return session


def token_refresh(*, refresh: str) -> TokenPair:
    """Rotation: a new pair for the same session; the presented refresh token stops working.

    Presenting a refresh token that was already rotated revokes the whole login, the newest
    refresh token and every access token included.
    """
    token = _refresh_token_parse(refresh)
    pair = None
    # The revocation of a replay must commit although the answer is an error: the error is
    # raised only once the transaction is over.
    with transaction.atomic():
        session = _login_session_lock(token=token)
        if session is not None and session.user.is_active:
            _session_tokens_blacklist(sessions=[session])
            token.set_jti()
            token.set_exp()
            token.set_iat()
            _outstand(token=token, user=session.user)
            session.refresh_jti = token[jwt_settings.JTI_CLAIM]
            session.expires_at = datetime_from_epoch(token["exp"])
            session.save(update_fields=["refresh_jti", "expires_at"])
            pair = TokenPair(access=str(token.access_token), refresh=str(token))
    if pair is None:
        raise _token_refused()
    return pair


def session_logout(*, refresh: str) -> None:
    """Ends the login of `refresh`: its refresh token and every access token of its session
    are refused from now on. A replayed (already rotated) token ends the login too, as a
    replay, and is refused."""
    token = _refresh_token_parse(refresh)
    with transaction.atomic():
        session = _login_session_lock(token=token)
        if session is not None:
            login_session_revoke(session=session, reason=LoginSession.RevokeReason.LOGOUT)
    if session is None:
        raise _token_refused()


def user_sessions_revoke(
    *, user: User, reason: str = LoginSession.RevokeReason.PASSWORD_CHANGE
) -> None:
    """Ends every login of the user, in the caller's transaction: should it roll back, so does
    the revocation, together with the change (a password, a deletion) that asked for it."""
    with transaction.atomic():
        sessions = list(
            LoginSession.objects.select_for_update()
            # An expired login can issue nothing more: nothing to revoke.
            .filter(user=user, revoked_at__isnull=True, expires_at__gt=now())
            .only("id", "refresh_jti")
        )
        LoginSession.objects.filter(pk__in=[session.pk for session in sessions]).update(
            revoked_at=now(), revoke_reason=reason
        )
        _session_tokens_blacklist(sessions=sessions)


# One short transaction per batch, so a large backlog never holds the token tables for long.
EXPIRED_TOKENS_PER_BATCH = 1000


def tokens_expired_flush() -> int:
    """Deletes refresh tokens past their expiry, with their blacklist rows, and the login
    sessions whose newest refresh token has expired; returns how many tokens.

    Every login and every rotation records a token, and past its expiry one can be neither used
    nor revoked: kept, they would pile up without end (simplejwt's `flushexpiredtokens`, in
    batches). A session past its expiry can issue nothing more: without its row, its tokens are
    refused all the same.
    """
    deleted = 0
    for model in (LoginSession, OutstandingToken):
        while True:
            ids = list(
                model.objects.filter(expires_at__lte=now())
                .order_by("pk")
                .values_list("pk", flat=True)[:EXPIRED_TOKENS_PER_BATCH]
            )
            if not ids:
                break
            with transaction.atomic():
                _, per_model = model.objects.filter(pk__in=ids).delete()
            deleted += per_model.get(OutstandingToken._meta.label, 0)
    return deleted


# --- Logging in --------------------------------------------------------------------------------


def _logged_in(*, user: User) -> TokenPair:
    with transaction.atomic():
        if jwt_settings.UPDATE_LAST_LOGIN:
            update_last_login(None, user)
        return token_pair_issue(user=user)


def user_login(*, request: HttpRequest, email: str, password: str) -> TokenPair:
    """A token pair for the right email and password; a counted failure otherwise. With TOTP on,
    a right password gets `MFARequired` and its mfa_token instead (see `user_login_mfa`)."""
    # Django's authenticate: axes refuses a locked (address, email) pair first and counts a
    # failure; ModelBackend matches the email in any case, only active users, and computes a
    # password hash even for an unknown email, so timing tells nothing.
    user = authenticate(request=request, email=email, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise login_locked_out()
        raise ApplicationError(
            "The email or password is not correct.",
            code=AccountsErrorCode.INVALID_CREDENTIALS,
            status_code=401,
        )
    if totp_is_enabled(user=user):
        # Failures are kept until the second step passes too: a right password must not wipe
        # the count of wrong codes.
        raise MFARequired(mfa_token=mfa_token_issue(user=user))
    login_failures_reset(request=request, email=email)
    return _logged_in(user=user)


def user_login_mfa(*, request: HttpRequest, mfa_token: str, code: str) -> TokenPair:
    """The second step of a login with TOTP on: a token pair for a current TOTP code or an
    unused recovery code (spent by it). A wrong code counts as a failed login of the pair."""
    user = mfa_token_user(mfa_token=mfa_token)
    if login_is_locked(request=request, email=user.email):
        login_failure_record(request=request, email=user.email)
        raise login_locked_out()
    if not mfa_code_verify(user=user, code=code):
        if login_failure_record(request=request, email=user.email):
            raise login_locked_out()
        raise ApplicationError(
            "The code is not correct.", code=AccountsErrorCode.INVALID_CODE, status_code=401
        )
    login_failures_reset(request=request, email=user.email)
    return _logged_in(user=user)


# --- Registration and profile ------------------------------------------------------------------


def _email_taken() -> ApplicationError:
    message = "An account with this email already exists."
    return ApplicationError(
        message, code=AccountsErrorCode.EMAIL_TAKEN, fields={"email": [message]}
    )


def _username_taken() -> ApplicationError:
    message = "This username is taken."
    return Conflict(message, code=AccountsErrorCode.USERNAME_TAKEN, fields={"username": [message]})


def _username_is_taken(*, username: str, user: User) -> bool:
    return User.objects.filter(username__iexact=username).exclude(pk=user.pk).exists()


def _integrity_error_taken(exc: IntegrityError) -> ApplicationError:
    """Which unique rule a concurrent write broke: the username's or the email's."""
    if "username" in str(exc):
        return _username_taken()
    return _email_taken()


def _password_validate(*, password: str, user: User, field: str) -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ApplicationError(
            "Choose a stronger password.",
            code=AccountsErrorCode.WEAK_PASSWORD,
            fields={field: exc.messages},
        ) from exc


def user_register(
    *,
    email: str,
    password: str,
    display_name: str,
    timezone: str = "UTC",
    username: str | None = None,
) -> User:
    """Creates the account; without a `username` the learner gets one suggested from the display
    name or the email (`User.save`), which they can change in their profile."""
    user = User(
        email=User.objects.normalize_email(email.strip()),
        display_name=display_name.strip(),
        timezone=timezone,
        username=username_normalize(username) if username else None,
    )
    # The model's own field rules (email format, lengths, a known IANA time zone, the username).
    user.clean_fields(exclude=["password"])
    if user_get_by_email(email=user.email) is not None:
        raise _email_taken()
    if user.username and _username_is_taken(username=user.username, user=user):
        raise _username_taken()
    _password_validate(password=password, user=user, field="password")
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # registered by a concurrent request since the check
        raise _integrity_error_taken(exc) from exc
    return user


def user_update(
    *,
    user: User,
    display_name: str | None = None,
    timezone: str | None = None,
    daily_goal_xp: int | None = None,
    username: str | None = None,
    profile_public: bool | None = None,
    leaderboard_opt_out: bool | None = None,
    streak_reminders: bool | None = None,
    weekly_progress_email: bool | None = None,
) -> User:
    """Changes the given profile fields; None leaves a field as it is."""
    changes = {
        "display_name": display_name.strip() if display_name is not None else None,
        "timezone": timezone,
        "daily_goal_xp": daily_goal_xp,
        "username": username_normalize(username) if username is not None else None,
        "profile_public": profile_public,
        "leaderboard_opt_out": leaderboard_opt_out,
        "streak_reminders": streak_reminders,
        "weekly_progress_email": weekly_progress_email,
    }
    changed = [name for name, value in changes.items() if value is not None]
    if not changed:
        return user
    for name in changed:
        setattr(user, name, changes[name])
    user.clean_fields(exclude=[f.name for f in User._meta.fields if f.name not in changed])
    if "username" in changed and _username_is_taken(username=user.username, user=user):
        raise _username_taken()
    try:
        with transaction.atomic():
            user.save(update_fields=changed)
    except IntegrityError as exc:  # taken by a concurrent request since the check
        raise _integrity_error_taken(exc) from exc
    return user


def _password_confirm(*, request: HttpRequest, user: User, password: str, field: str) -> None:
    """The signed-in user proves it is them before a grave change. A wrong password counts as a
    failed login: a stolen access token must not become a way to guess the password."""
    if not user.has_usable_password():
        raise ApplicationError(
            "This account has no password yet: set one through the password reset first.",
            code=AccountsErrorCode.PASSWORD_NOT_SET,
        )
    confirmed = authenticate(request=request, email=user.email, password=password)
    if confirmed is None or confirmed.pk != user.pk:
        if getattr(request, "axes_locked_out", False):
            raise login_locked_out()
        message = "The password is not correct."
        raise ApplicationError(
            message, code=AccountsErrorCode.WRONG_PASSWORD, fields={field: [message]}
        )
    login_failures_reset(request=request, email=user.email)


def user_password_change(
    *, request: HttpRequest, user: User, current_password: str, new_password: str
) -> TokenPair:
    """Sets a new password and ends every login of the user; returns a pair for a new one."""
    _password_confirm(
        request=request, user=user, password=current_password, field="current_password"
    )
    _password_validate(password=new_password, user=user, field="new_password")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        user_sessions_revoke(user=user)
        return token_pair_issue(user=user)


# --- Password reset ----------------------------------------------------------------------------


def password_reset_request(*, email: str, base_url: str) -> None:
    """Has a reset link mailed if `email` is an active account's; tells nothing either way.

    The request only enqueues: looking the address up and mailing happen in the task, so the
    answer takes the same work and time whether or not the address is known. Without a broker
    the mail is sent in the request instead: a learner locked out of the account matters more
    than the timing of a degraded service.
    """
    from accounts.tasks import password_reset_mail_send

    if not task_enqueue(
        task=password_reset_mail_send, kwargs={"email": email, "base_url": base_url}
    ):
        logger.warning("Broker unreachable: the password reset mail is sent in the request.")
        password_reset_mail_deliver(email=email, base_url=base_url)


def _password_reset_url(*, uid: str, token: str, base_url: str) -> str:
    template = settings.PASSWORD_RESET_URL
    if template:
        return template.replace("{uid}", uid).replace("{token}", token)
    # allauth's own page takes the same uid and token: the link works in a browser as it is.
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": uid, "key": token})
    return base_url.rstrip("/") + path


def password_reset_mail_deliver(*, email: str, base_url: str) -> bool:
    """Mails the reset link to the active account of `email`; False when there is none."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return False
    context = {
        "user": user,
        "reset_url": _password_reset_url(
            uid=user_pk_to_url_str(user),
            token=password_reset_token_generator.make_token(user),
            base_url=base_url,
        ),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)),
    }
    subject = render_to_string("accounts/email/password_reset_subject.txt", context)
    body = render_to_string("accounts/email/password_reset_message.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
    return True


def _reset_token_refused() -> ApplicationError:
    return ApplicationError(
        "The reset link is not valid, has expired or was already used: ask for a new one.",
        code=AccountsErrorCode.INVALID_RESET_TOKEN,
    )


# The largest primary key a uid may name (BigAutoField); a bigger one would be a database error.
_PK_MAX = 2**63 - 1


def _password_reset_user(*, uid: str, token: str, lock: bool = False) -> User:
    try:
        pk = url_str_to_user_pk(uid)
    except (ValueError, TypeError, OverflowError, DjangoValidationError) as exc:
        raise _reset_token_refused() from exc
    if not isinstance(pk, int) or not 0 < pk <= _PK_MAX:
        raise _reset_token_refused()
    users = User.objects.select_for_update() if lock else User.objects
    user = users.filter(pk=pk, is_active=True).first()
    if user is None or not password_reset_token_generator.check_token(user, token):
        raise _reset_token_refused()
    return user


def password_reset_confirm(*, uid: str, token: str, password: str) -> None:
    """Sets the password a reset link was mailed for, and ends every earlier login.

    The token is bound to the password hash, so it stops working once used. Two uses racing
    queue on the user's row, and the second finds the token no longer matching.
    """
    user = _password_reset_user(uid=uid, token=token)
    _password_validate(password=password, user=user, field="password")
    with transaction.atomic():
        user = _password_reset_user(uid=uid, token=token, lock=True)
        user.set_password(password)
        user.save(update_fields=["password"])
        user_sessions_revoke(user=user, reason=LoginSession.RevokeReason.PASSWORD_RESET)


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


def user_display_name_default(*, user: User, sociallogin: SocialLogin | None = None) -> None:
    """Gives an account made on the site's pages without a display name (a social sign-up
    there asks for none) one the API accepts: the provider's name, else the email's first part.
    The learner can change it in their profile."""
    if user.display_name:
        return
    user.display_name = (
        _social_display_name(sociallogin, user.email)
        if sociallogin is not None
        else user.email.split("@", 1)[0][: User._meta.get_field("display_name").max_length]
    )
    user.save(update_fields=["display_name"])


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


def user_login_social(
    *,
    request: HttpRequest,
    provider: str,
    access_token: str | None = None,
    id_token: str | None = None,
    client_id: str | None = None,
) -> TokenPair:
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
    except IntegrityError as exc:
        # Two first logins of the same person raced to create the account or the connection.
        raise Conflict(
            "Another login of this account was in progress; try again.",
            code=AccountsErrorCode.SOCIAL_LOGIN_CONFLICT,
        ) from exc
    if totp_is_enabled(user=user):
        # The provider vouches for the person's address, not for the second factor they turned
        # on here: the same second step as a password login (the connection stays made).
        raise MFARequired(mfa_token=mfa_token_issue(user=user))
    return _logged_in(user=user)


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
        user_sessions_revoke(user=user, reason=LoginSession.RevokeReason.DELETION)
        try:
            user.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise Conflict(
                "The account cannot be deleted while other records depend on it.",
                code=AccountsErrorCode.DELETION_BLOCKED,
            ) from exc


def user_delete(*, request: HttpRequest, user: User, password: str) -> None:
    """The learner deletes their own account, confirming with their password."""
    _password_confirm(request=request, user=user, password=password, field="password")
    user_erase(user=user)
