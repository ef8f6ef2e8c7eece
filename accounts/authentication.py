"""Bearer-token authentication of the API (and, through `accounts.websocket`, of WebSockets).

simplejwt's checks (signature, expiry, token type, an existing and active user) plus one of ours:
the token's login session (`sid`, see `accounts.tokens`) has not been revoked by a logout, a
password change or the account's deletion. A token without a session id was not issued by
`accounts.services.user_token_pair` and is refused too, since nothing could ever revoke it.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.tokens import Token

from accounts.error_codes import AccountsErrorCode
from accounts.models import User
from accounts.selectors import session_is_revoked
from accounts.tokens import SID_CLAIM


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
            token = super().get_validated_token(raw_token)
        except InvalidToken as exc:
            raise _refused() from exc
        sid = token.get(SID_CLAIM)
        if not sid or session_is_revoked(sid=sid):
            raise _refused()
        return token

    def authenticate(self, request: Request) -> tuple[User, Token] | None:
        try:
            return super().authenticate(request)
        except AuthenticationFailed as exc:  # simplejwt's, such as a malformed header or no user
            if not isinstance(exc.detail, dict):
                raise
            detail = exc.detail
            raise AuthenticationFailed(
                str(detail.get("detail", "")) or None,
                code=str(detail.get("code", AccountsErrorCode.TOKEN_NOT_VALID)),
            ) from exc
