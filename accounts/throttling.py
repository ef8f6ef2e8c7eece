"""The login policy of every door that checks a password or a second factor, on django-axes.

axes counts failed attempts per (client address, account) pair in the database (settings,
"Login throttling and MFA"). Django's `authenticate()` feeds it on its own: `AxesStandaloneBackend`
refuses a locked pair, and the `user_login_failed` signal records a failure. Steps that check
something other than a password (a TOTP or recovery code) use the helpers below, so a wrong code
counts exactly like a wrong password of the same pair.

The answer to a locked pair comes from `lockout_response`, which `AxesMiddleware` puts in place of
whatever the view answered: the API's error shape under /api/, a page everywhere else.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from config.api.error_codes import ApiErrorCode
from config.api.errors import ApplicationError
from config.api.exceptions import error_body, is_api_path

LOCKED_OUT_MESSAGE = "Too many failed attempts to sign in; try again later."

# Where each door puts the account: the API and allauth pass `email`, Django's own login form
# `username`, allauth's form posts `login`.
_USERNAME_KEYS = ("email", "username", "login")


def client_ip_address(request: HttpRequest) -> str | None:
    # Never X-Forwarded-For: uvicorn has already resolved trusted proxies into REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR") or None


def login_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account half of the pair: the email as the user manager matches it (in any case)."""
    sources = [credentials] if credentials else []
    sources.append(getattr(request, "POST", None) or {})
    for source in sources:
        for key in _USERNAME_KEYS:
            value = source.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip().lower()
    return None


def lockout_seconds(request: HttpRequest | None = None) -> int:
    # Every attempt on a locked pair counts again and restarts the cool-off (axes'
    # AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so the whole cool-off is exactly what is left.
    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else 0


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the same answer at every door, only its form differs."""
    seconds = lockout_seconds(request)
    if is_api_path(request.path):
        response = JsonResponse(error_body(ApiErrorCode.THROTTLED, LOCKED_OUT_MESSAGE), status=429)
    else:
        context = {"message": LOCKED_OUT_MESSAGE, "minutes": max(1, -(-seconds // 60))}
        response = render(request, "account/lockout.html", context, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


def login_locked_out() -> ApplicationError:
    # What a service raises; AxesMiddleware answers in its place, with Retry-After.
    return ApplicationError(LOCKED_OUT_MESSAGE, code=ApiErrorCode.THROTTLED, status_code=429)


def _credentials(email: str) -> dict:
    return {"email": email}


def login_is_locked(*, request: HttpRequest, email: str) -> bool:
    return not AxesProxyHandler.is_allowed(request, _credentials(email))


def login_failure_record(*, request: HttpRequest, email: str) -> bool:
    """Counts a failed attempt of the pair, as `authenticate()` does for a wrong password;
    returns whether the pair is now locked out."""
    user_login_failed.send(sender=__name__, credentials=_credentials(email), request=request)
    return bool(getattr(request, "axes_locked_out", False))


def login_failures_reset(*, request: HttpRequest, email: str) -> None:
    """A full login (or a confirmed password) clears the pair's failures, as axes does on
    Django's `user_logged_in`, which token logins do not send."""
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.get_implementation().reset_user_attempts(request, _credentials(email))
