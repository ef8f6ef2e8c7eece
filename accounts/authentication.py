"""Bearer-token authentication of the API (and, through `accounts.websocket`, of WebSockets).

simplejwt's checks (signature, expiry, token type) plus the token's login session: the session
(`sid`, see `accounts.tokens`) exists, has not been revoked (logout, password change or reset,
deletion, a replayed refresh token) and belongs to an active user. The session is read with its
user in one query, in place of simplejwt's lookup of the user. A token without a session id,
or whose session has no row (issued before sessions were recorded), is refused, since nothing
could ever revoke it.
"""

from functools import lru_cache

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import aware_utcnow

from accounts.error_codes import AccountsErrorCode
from accounts.models import User
from accounts.selectors import login_session_user_get
from accounts.tokens import SID_CLAIM


# A learner's client sends the same access token with every request until it expires: its
# signature and claims are checked once per process, not on every request (a twentieth of
# `GET me/stats/`'s time under load, py-spy). Only tokens that passed are kept (an exception is
# never cached), and what revokes a token, its login session, is still read on every request.
# The key is the token itself, so a token is never confused with another; a few thousand
# learners' tokens fit in a few MB.
@lru_cache(maxsize=4096)
def _verified(raw_token: bytes | str) -> Token:
    return JWTAuthentication().get_validated_token(raw_token)


def _refused() -> AuthenticationFailed:
    return AuthenticationFailed(
        _("The token is not valid, has expired or was revoked."),
        code=AccountsErrorCode.TOKEN_NOT_VALID,
    )


class SessionJWTAuthentication(JWTAuthentication):
    # simplejwt's exceptions carry a dict as detail ({"detail", "code", ...}); the error shape
    # wants one sentence and one code, so they are raised again as DRF's plain ones.

    def get_validated_token(self, raw_token: bytes | str) -> Token:
        try:
            token = _verified(raw_token)
            # Verified once per process, but the clock moves: expiry is checked every time.
            token.check_exp(current_time=aware_utcnow())
        except (InvalidToken, TokenError) as exc:
            raise _refused() from exc
        if not token.get(SID_CLAIM):
            raise _refused()
        return token

    def get_user(self, validated_token: Token) -> User:
        user = login_session_user_get(sid=validated_token[SID_CLAIM])
        user_id = validated_token.get(jwt_settings.USER_ID_CLAIM)
        if user is None or str(getattr(user, jwt_settings.USER_ID_FIELD)) != str(user_id):
            raise _refused()
        if not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        return user

    def authenticate(self, request: Request) -> tuple[User, Token] | None:
        try:
            return super().authenticate(request)
        except AuthenticationFailed as exc:  # simplejwt's, such as a malformed header
            if not isinstance(exc.detail, dict):
                raise
            detail = exc.detail
            raise AuthenticationFailed(
                str(detail.get("detail", "")) or None,
                code=str(detail.get("code", AccountsErrorCode.TOKEN_NOT_VALID)),
            ) from exc
