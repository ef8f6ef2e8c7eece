"""Throttles of the account endpoints.

Failed logins are counted in the cache (Redis in production, so every worker sees the same
counts), per client address and per email, in windows of one minute. Once either count reaches
`LOGIN_FAILURES_PER_MINUTE`, logging in from that address or as that email answers 429 until the
window ends, even with the right password: otherwise the throttle would tell a guesser when it
had guessed right. Checking a password to confirm an action (deleting the account, changing the
password) counts the same way, so a stolen access token cannot be used to guess the password.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

WINDOW_SECONDS = 60
_PREFIX = "accounts:login-failures"


def client_ip(request: Request) -> str:
    # DRF's own reading of the client's address: REMOTE_ADDR, or X-Forwarded-For behind the
    # number of proxies set in REST_FRAMEWORK["NUM_PROXIES"].
    return BaseThrottle().get_ident(request)


def _keys(*, ip: str | None, email: str | None) -> list[str]:
    keys = []
    if ip:
        keys.append(f"{_PREFIX}:ip:{ip}")
    if email:
        # Hashed: keys stay short and free of whatever characters an email may hold.
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        keys.append(f"{_PREFIX}:email:{digest}")
    return keys


def login_failure_record(*, ip: str | None, email: str | None) -> None:
    for key in _keys(ip=ip, email=email):
        # add() starts the window; incr() keeps the key's expiry, so the window is fixed.
        if cache.add(key, 1, timeout=WINDOW_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.add(key, 1, timeout=WINDOW_SECONDS)


def login_is_throttled(*, ip: str | None, email: str | None) -> bool:
    limit = settings.LOGIN_FAILURES_PER_MINUTE
    counts = cache.get_many(_keys(ip=ip, email=email))
    return any(count >= limit for count in counts.values())


class LoginFailureThrottle(BaseThrottle):
    """Refuses a login (or a password confirmation) once too many recent attempts failed.

    The email is the signed-in user's (confirming with a password), else the one in the body
    (logging in): an email slipped into a signed-in request must not dodge the user's count.
    """

    def allow_request(self, request: Request, view) -> bool:
        if request.user and request.user.is_authenticated:
            email = request.user.email
        else:
            email = request.data.get("email") if isinstance(request.data, dict) else None
            email = email if isinstance(email, str) else None
        return not login_is_throttled(ip=client_ip(request), email=email)

    def wait(self) -> float:
        return WINDOW_SECONDS
