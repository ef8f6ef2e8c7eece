"""The claim that ties every token of one login together, and the refresh token we read.

`token_pair_issue` puts a random session id in the refresh token and records the login as an
`accounts.models.LoginSession`; simplejwt copies custom claims into each access token it derives
and keeps them through rotation, so every token of one login, however often refreshed, carries
the same `sid`. Revoking the session (logout, account deletion, password change or reset, a
replayed refresh token) refuses all of them at once, access tokens included.
"""

from rest_framework_simplejwt.tokens import RefreshToken

SID_CLAIM = "sid"


class SessionRefreshToken(RefreshToken):
    """A refresh token checked for signature, expiry and type, but not against simplejwt's
    blacklist: the login session decides, and must see a rotated token presented again to
    treat it as a replay rather than merely refuse it."""

    def check_blacklist(self) -> None:
        return None
