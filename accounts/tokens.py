"""The claim that ties every token of one login together.

`user_token_pair` puts a random session id in the refresh token; simplejwt copies custom claims
into each access token it derives and keeps them through rotation, so every token of one login,
however often refreshed, carries the same `sid`. Revoking the sid (logout, account deletion,
password change) refuses all of them at once, access tokens included.
"""

SID_CLAIM = "sid"
