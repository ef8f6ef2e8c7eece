"""Reads of the accounts app used by more than one caller."""

from functools import cache
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import get_adapter as get_socialaccount_adapter
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers import registry as provider_registry
from allauth.socialaccount.providers.base import Provider
from django.core.exceptions import MultipleObjectsReturned
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.urls import reverse
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.error_codes import AccountsErrorCode
from accounts.models import LoginSession, User
from config.api.errors import ApplicationError, NotFound
from config.sql import Select, column, instance_from_row, quote, table
from config.timeutils import iso


@cache
def _live_session_user() -> Select:
    return Select(
        f"SELECT {', '.join(f'u.{quote(f.column)}' for f in User._meta.concrete_fields)}"
        f" FROM {table(LoginSession)} s INNER JOIN {table(User)} u"
        f" ON {column(User, 'id', alias='u')} = {column(LoginSession, 'user', alias='s')}"
        f" WHERE {column(LoginSession, 'sid', alias='s')} = %s"
        f" AND {column(LoginSession, 'revoked_at', alias='s')} IS NULL",
        User._meta.concrete_fields,
    )


def login_session_user_get(*, sid: str) -> User | None:
    """The user of the login `sid`, in one query, if the login has not been revoked.

    Asked on every authenticated request, in place of simplejwt's own lookup of the user, so
    authentication costs one query. Deliberately not cached: a cached "live" answer would let a
    revoked login through until it expired, and caching only "revoked" saves nothing, since
    the live logins are the ones asked about. Hand-written (`config.sql`): compiling the
    equivalent queryset took seven times as long as running it.
    """
    row = _live_session_user().one([sid])
    return None if row is None else instance_from_row(User, row)


def user_get_by_email(*, email: str) -> User | None:
    # Emails are unique whatever their case (a constraint on Lower(email)).
    return User.objects.filter(email__iexact=email.strip()).first()


def social_provider_get(
    *, request: HttpRequest, provider: str, client_id: str | None = None
) -> Provider:
    """An installed allauth provider with its SocialApp (set up in the admin) that can verify a
    token a mobile app obtained. With several apps for one provider (say one per platform), the
    client names its own by `client_id`."""
    if provider_registry.get_class(provider) is None:
        raise NotFound("There is no such login provider.", code=AccountsErrorCode.UNKNOWN_PROVIDER)
    try:
        social_provider = get_socialaccount_adapter().get_provider(
            request, provider, client_id=client_id
        )
    except SocialApp.DoesNotExist as exc:
        raise NotFound(
            "This login provider is not set up.", code=AccountsErrorCode.PROVIDER_NOT_CONFIGURED
        ) from exc
    except MultipleObjectsReturned as exc:
        raise ApplicationError(
            "Several apps are set up for this provider: send your client_id.",
            code=AccountsErrorCode.PROVIDER_NOT_CONFIGURED,
        ) from exc
    if not social_provider.supports_token_authentication:
        raise ApplicationError(
            "This provider does not support logging in with a token.",
            code=AccountsErrorCode.TOKEN_LOGIN_NOT_SUPPORTED,
        )
    return social_provider


def user_outstanding_tokens(*, user: User):
    """The user's refresh tokens, each annotated with whether it was revoked, newest first."""
    return (
        OutstandingToken.objects.filter(user=user)
        .annotate(revoked=Exists(BlacklistedToken.objects.filter(token=OuterRef("pk"))))
        .order_by("-created_at", "-id")
    )


def account_export(*, user: User) -> dict[str, Any]:
    """What accounts holds about the user, as plain JSON values. Token strings are left out:
    they are credentials, not data about the person."""
    user = User.objects.prefetch_related("groups").get(pk=user.pk)
    return {
        "account": {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "username": user.username,
            "profile_public": user.profile_public,
            "leaderboard_opt_out": user.leaderboard_opt_out,
            "streak_reminders": user.streak_reminders,
            "weekly_progress_email": user.weekly_progress_email,
            "timezone": user.timezone,
            "daily_goal_xp": user.daily_goal_xp,
            "date_joined": iso(user.date_joined),
            "last_login": iso(user.last_login),
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "has_password": user.has_usable_password(),
            "groups": sorted(group.name for group in user.groups.all()),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("id")
        ],
        "social_accounts": [
            {
                "provider": account.provider,
                "uid": account.uid,
                "date_joined": iso(account.date_joined),
                "last_login": iso(account.last_login),
                "extra_data": account.extra_data,
            }
            for account in SocialAccount.objects.filter(user=user).order_by("id")
        ],
        "sessions": [
            {
                "issued_at": iso(token.created_at),
                "expires_at": iso(token.expires_at),
                "revoked": token.revoked,
            }
            for token in user_outstanding_tokens(user=user)
        ],
    }


# --- Where a person lands after signing in on the site ----------------------------------------

TEACHERS_GROUP = "teachers"


def user_is_teacher(*, user: User) -> bool:
    return user.is_superuser or user.groups.filter(name=TEACHERS_GROUP).exists()


def user_landing_url(*, user: User) -> str:
    """The page that says what this person can do: the admin for staff (editors and admins),
    the teacher pages for teachers, the home page and its API pointers for learners."""
    if user.is_staff:
        return reverse("admin:index")
    if user_is_teacher(user=user):
        return reverse("classrooms:home")
    return reverse("home")
