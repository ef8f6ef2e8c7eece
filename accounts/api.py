"""The accounts API (API.md, "Accounts"): parse with an input serializer, call a service, render."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.mfa import (
    MFARequired,
    recovery_codes_list,
    totp_deactivate,
    totp_setup_confirm,
    totp_setup_start,
)
from accounts.serializers import (
    LoginInputSerializer,
    MeOutputSerializer,
    MeUpdateInputSerializer,
    MFACodeInputSerializer,
    MFALoginInputSerializer,
    MFARequiredErrorSerializer,
    PasswordChangeInputSerializer,
    PasswordConfirmInputSerializer,
    PasswordResetConfirmInputSerializer,
    PasswordResetInputSerializer,
    RecoveryCodesOutputSerializer,
    RefreshInputSerializer,
    RegisterInputSerializer,
    RegisterOutputSerializer,
    SocialLoginInputSerializer,
    TokenPairOutputSerializer,
    TOTPSetupOutputSerializer,
)
from accounts.services import (
    password_reset_confirm,
    password_reset_request,
    session_logout,
    token_refresh,
    user_delete,
    user_export,
    user_login,
    user_login_mfa,
    user_login_social,
    user_password_change,
    user_register,
    user_update,
)
from config.api.exceptions import error_body
from config.api.schema import AutoSchema

TAG = "accounts"

_INVALID = OpenApiResponse(description="Invalid fields: `invalid`, `email_taken`, `weak_password`.")
_USERNAME_TAKEN = OpenApiResponse(description="`username_taken`: another account has it.")
_UNAUTHENTICATED = OpenApiResponse(description="Missing, invalid, expired or revoked access token.")
_TOKEN_REFUSED = OpenApiResponse(
    description="`token_not_valid`: the token is not valid, has expired or was revoked."
)
_THROTTLED = OpenApiResponse(description="`throttled`: too many attempts; see Retry-After.")
# The login policy's lockout (accounts.throttling): the same answer whatever the password or code.
_LOCKED_OUT = OpenApiResponse(
    description=(
        "`throttled`: too many failed attempts from this address for this account, right or "
        "wrong; see Retry-After."
    )
)
_MFA_CONFLICT = OpenApiResponse(
    description=(
        "`mfa_already_enabled`, `mfa_not_enabled`, `mfa_setup_not_started` or "
        "`mfa_email_unverified`."
    )
)
# Secrets and recovery codes: no cache on the way may keep a copy.
_NO_STORE = {"Cache-Control": "no-store"}
_INVALID_CODE = OpenApiResponse(description="`invalid_code`, or `invalid` fields.")


def _validated(serializer_class, request: Request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _mfa_required(exc: MFARequired) -> Response:
    # The mfa_token in the error object and at the top, where clients of either habit look.
    body = error_body(exc.code, exc.message, extra={"mfa_token": exc.mfa_token})
    body["mfa_token"] = exc.mfa_token
    return Response(body, status=exc.status_code)


class _PublicApi(APIView):
    # Reached without an access token; an expired one sent along must not get in the way.
    authentication_classes: list = []
    permission_classes = [AllowAny]


class RegisterApi(_PublicApi):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(
        tags=[TAG],
        operation_id="auth_register",
        summary="Create an account with email and password",
        request=RegisterInputSerializer,
        responses={
            201: RegisterOutputSerializer,
            400: _INVALID,
            409: _USERNAME_TAKEN,
            429: _THROTTLED,
        },
    )
    def post(self, request: Request) -> Response:
        user = user_register(**_validated(RegisterInputSerializer, request))
        return Response(RegisterOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class LoginApi(_PublicApi):
    @extend_schema(
        tags=[TAG],
        operation_id="auth_token",
        summary="Log in: a token pair for an email and password",
        description=(
            "With two-factor authentication on, a right password answers 401 `mfa_required` "
            "with an `mfa_token`, to send with a code to auth/token/mfa/."
        ),
        request=LoginInputSerializer,
        responses={
            200: TokenPairOutputSerializer,
            400: _INVALID,
            401: OpenApiResponse(
                MFARequiredErrorSerializer,
                description="`invalid_credentials`, or `mfa_required` with an `mfa_token`.",
            ),
            429: _LOCKED_OUT,
        },
    )
    def post(self, request: Request) -> Response:
        data = _validated(LoginInputSerializer, request)
        try:
            pair = user_login(request=request._request, **data)
        except MFARequired as exc:
            return _mfa_required(exc)
        return Response(TokenPairOutputSerializer(pair).data)


class LoginMFAApi(_PublicApi):
    @extend_schema(
        tags=[TAG],
        operation_id="auth_token_mfa",
        summary="Log in, second step: a token pair for the mfa_token and a code",
        description=(
            "The code is the authenticator app's current code, or one of the recovery codes, "
            "which is then spent. Wrong codes count as failed logins."
        ),
        request=MFALoginInputSerializer,
        responses={
            200: TokenPairOutputSerializer,
            400: _INVALID,
            401: OpenApiResponse(
                description="`invalid_code`, or `token_not_valid`: the mfa_token is not valid "
                "or has expired."
            ),
            429: _LOCKED_OUT,
        },
    )
    def post(self, request: Request) -> Response:
        data = _validated(MFALoginInputSerializer, request)
        pair = user_login_mfa(request=request._request, **data)
        return Response(TokenPairOutputSerializer(pair).data)


class TokenRefreshApi(_PublicApi):
    @extend_schema(
        tags=[TAG],
        operation_id="auth_token_refresh",
        summary="Rotate a refresh token: a new pair; the old refresh token stops working",
        request=RefreshInputSerializer,
        responses={200: TokenPairOutputSerializer, 400: _INVALID, 401: _TOKEN_REFUSED},
    )
    def post(self, request: Request) -> Response:
        pair = token_refresh(**_validated(RefreshInputSerializer, request))
        return Response(TokenPairOutputSerializer(pair).data)


class LogoutApi(_PublicApi):
    @extend_schema(
        tags=[TAG],
        operation_id="auth_logout",
        summary="Log out: the refresh token and the access tokens of its login stop working",
        request=RefreshInputSerializer,
        responses={204: None, 400: _INVALID, 401: _TOKEN_REFUSED},
    )
    def post(self, request: Request) -> Response:
        session_logout(**_validated(RefreshInputSerializer, request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetApi(_PublicApi):
    # Each call may send a mail: bound what one address can make the server send.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "password_reset"

    @extend_schema(
        tags=[TAG],
        operation_id="auth_password_reset",
        summary="Ask for a password reset link by mail",
        description=(
            "Answers 204 whether or not the email belongs to an account, so the answer tells "
            "nothing about who has one. An active account's address is mailed a link carrying "
            "`uid` and `token` for `auth/password/reset/confirm/`."
        ),
        request=PasswordResetInputSerializer,
        responses={204: None, 400: _INVALID, 429: _THROTTLED},
    )
    def post(self, request: Request) -> Response:
        data = _validated(PasswordResetInputSerializer, request)
        password_reset_request(email=data["email"], base_url=request.build_absolute_uri("/"))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetConfirmApi(_PublicApi):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "password_reset_confirm"

    @extend_schema(
        tags=[TAG],
        operation_id="auth_password_reset_confirm",
        summary="Set a new password with a mailed reset link; every earlier login ends",
        request=PasswordResetConfirmInputSerializer,
        responses={
            204: None,
            400: OpenApiResponse(
                description="`invalid_reset_token` (not valid, expired or already used), "
                "`weak_password` or `invalid`."
            ),
            429: _THROTTLED,
        },
    )
    def post(self, request: Request) -> Response:
        password_reset_confirm(**_validated(PasswordResetConfirmInputSerializer, request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SocialLoginApi(_PublicApi):
    # Every call makes the server ask the provider (Google's keys, Facebook's Graph API): bound
    # what one address can make it send.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "social"

    @extend_schema(
        tags=[TAG],
        operation_id="auth_social",
        summary="Log in with a provider's token obtained by a mobile app (Google, Facebook)",
        description=(
            "Logs in the user of that social account, connects it to the account whose email "
            "the provider verified, or creates an account."
        ),
        parameters=[
            OpenApiParameter(
                "provider",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="The provider's id, such as `google` or `facebook`.",
            )
        ],
        request=SocialLoginInputSerializer,
        responses={
            200: TokenPairOutputSerializer,
            400: _INVALID,
            401: OpenApiResponse(
                MFARequiredErrorSerializer,
                description=(
                    "`social_token_invalid`, `account_inactive`, or `mfa_required` with an "
                    "`mfa_token` for auth/token/mfa/ when two-factor authentication is on."
                ),
            ),
            404: OpenApiResponse(description="`unknown_provider` or `provider_not_configured`"),
            409: OpenApiResponse(description="`social_email_unverified`"),
            429: _THROTTLED,
        },
    )
    def post(self, request: Request, provider: str) -> Response:
        data = _validated(SocialLoginInputSerializer, request)
        # allauth works on Django's own request.
        try:
            pair = user_login_social(request=request._request, provider=provider, **data)
        except MFARequired as exc:
            return _mfa_required(exc)
        return Response(TokenPairOutputSerializer(pair).data)


class _DeleteWithBodySchema(AutoSchema):
    """API.md has `DELETE me/` take the password in its body; drf-spectacular documents bodies
    of POST, PUT and PATCH only."""

    def _get_request_body(self, direction="request"):
        if self.method != "DELETE":
            return super()._get_request_body(direction)
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"


class MeApi(APIView):
    schema = _DeleteWithBodySchema()

    @extend_schema(
        tags=[TAG],
        operation_id="me_retrieve",
        summary="The caller's account",
        responses={200: MeOutputSerializer, 401: _UNAUTHENTICATED},
    )
    def get(self, request: Request) -> Response:
        return Response(MeOutputSerializer(request.user).data)

    @extend_schema(
        tags=[TAG],
        operation_id="me_partial_update",
        summary=(
            "Change the caller's display name, username, time zone, daily goal or privacy flags"
        ),
        request=MeUpdateInputSerializer,
        responses={
            200: MeOutputSerializer,
            400: _INVALID,
            401: _UNAUTHENTICATED,
            409: _USERNAME_TAKEN,
        },
    )
    def patch(self, request: Request) -> Response:
        user = user_update(user=request.user, **_validated(MeUpdateInputSerializer, request))
        return Response(MeOutputSerializer(user).data)

    @extend_schema(
        tags=[TAG],
        operation_id="me_destroy",
        summary="Delete the caller's account and personal data, confirming with the password",
        request=PasswordConfirmInputSerializer,
        responses={
            204: None,
            400: OpenApiResponse(description="`wrong_password` or `password_not_set`"),
            401: _UNAUTHENTICATED,
            409: OpenApiResponse(description="`deletion_blocked`"),
            429: _LOCKED_OUT,
        },
    )
    def delete(self, request: Request) -> Response:
        # A wrong password counts as a failed login: a stolen access token must not become a
        # way to guess the password.
        data = _validated(PasswordConfirmInputSerializer, request)
        user_delete(request=request._request, user=request.user, **data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeExportApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="me_export_retrieve",
        summary="Everything the platform holds about the caller, as JSON",
        responses={200: OpenApiTypes.OBJECT, 401: _UNAUTHENTICATED},
    )
    def get(self, request: Request) -> Response:
        return Response(user_export(user=request.user))


class MePasswordApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="me_password_change",
        summary="Change the password: every login ends, and a new token pair is returned",
        request=PasswordChangeInputSerializer,
        responses={
            200: TokenPairOutputSerializer,
            400: OpenApiResponse(description="`wrong_password`, `weak_password`"),
            401: _UNAUTHENTICATED,
            429: _LOCKED_OUT,
        },
    )
    def post(self, request: Request) -> Response:
        data = _validated(PasswordChangeInputSerializer, request)
        pair = user_password_change(request=request._request, user=request.user, **data)
        return Response(TokenPairOutputSerializer(pair).data)


class MeTOTPApi(APIView):
    schema = _DeleteWithBodySchema()

    @extend_schema(
        tags=[TAG],
        operation_id="me_mfa_totp_setup",
        summary="Start setting up TOTP: a new secret, as text, otpauth:// URL and QR code",
        description=(
            "The set-up waits for POST me/mfa/totp/ with a code of the app; starting again "
            "replaces the secret."
        ),
        responses={200: TOTPSetupOutputSerializer, 401: _UNAUTHENTICATED, 409: _MFA_CONFLICT},
    )
    def get(self, request: Request) -> Response:
        setup = totp_setup_start(user=request.user)
        return Response(TOTPSetupOutputSerializer(setup).data, headers=_NO_STORE)

    @extend_schema(
        tags=[TAG],
        operation_id="me_mfa_totp_confirm",
        summary="Turn TOTP on with a code of the app; returns the recovery codes",
        request=MFACodeInputSerializer,
        responses={
            200: RecoveryCodesOutputSerializer,
            400: _INVALID_CODE,
            401: _UNAUTHENTICATED,
            409: _MFA_CONFLICT,
        },
    )
    def post(self, request: Request) -> Response:
        data = _validated(MFACodeInputSerializer, request)
        codes = totp_setup_confirm(request=request._request, user=request.user, **data)
        return Response(
            RecoveryCodesOutputSerializer({"recovery_codes": codes}).data, headers=_NO_STORE
        )

    @extend_schema(
        tags=[TAG],
        operation_id="me_mfa_totp_destroy",
        summary="Turn TOTP off, confirming with a code of the app or a recovery code",
        request=MFACodeInputSerializer,
        responses={
            204: None,
            400: _INVALID_CODE,
            401: _UNAUTHENTICATED,
            409: _MFA_CONFLICT,
            429: _LOCKED_OUT,
        },
    )
    def delete(self, request: Request) -> Response:
        data = _validated(MFACodeInputSerializer, request)
        totp_deactivate(request=request._request, user=request.user, **data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeRecoveryCodesApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="me_mfa_recovery_codes",
        summary="The recovery codes not used yet",
        responses={
            200: RecoveryCodesOutputSerializer,
            401: _UNAUTHENTICATED,
            409: OpenApiResponse(description="`mfa_not_enabled`"),
        },
    )
    def get(self, request: Request) -> Response:
        codes = recovery_codes_list(user=request.user)
        return Response(
            RecoveryCodesOutputSerializer({"recovery_codes": codes}).data, headers=_NO_STORE
        )
