"""The accounts API (API.md, "Accounts"): parse with an input serializer, call a service, render."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.serializers import (
    LoginInputSerializer,
    MeOutputSerializer,
    MeUpdateInputSerializer,
    PasswordChangeInputSerializer,
    PasswordConfirmInputSerializer,
    RefreshInputSerializer,
    RegisterInputSerializer,
    RegisterOutputSerializer,
    SocialLoginInputSerializer,
    TokenPairOutputSerializer,
)
from accounts.services import (
    session_logout,
    social_login,
    token_refresh,
    user_delete,
    user_export,
    user_login,
    user_password_change,
    user_register,
    user_update,
)
from accounts.throttling import LoginFailureThrottle, client_ip
from config.api.schema import AutoSchema

TAG = "accounts"

_INVALID = OpenApiResponse(description="Invalid fields: `invalid`, `email_taken`, `weak_password`.")
_UNAUTHENTICATED = OpenApiResponse(description="Missing, invalid, expired or revoked access token.")
_TOKEN_REFUSED = OpenApiResponse(
    description="`token_not_valid`: the token is not valid, has expired or was revoked."
)
_THROTTLED = OpenApiResponse(description="`throttled`: too many attempts; see Retry-After.")


def _validated(serializer_class, request: Request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


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
        responses={201: RegisterOutputSerializer, 400: _INVALID, 429: _THROTTLED},
    )
    def post(self, request: Request) -> Response:
        user = user_register(**_validated(RegisterInputSerializer, request))
        return Response(RegisterOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class LoginApi(_PublicApi):
    throttle_classes = [LoginFailureThrottle]

    @extend_schema(
        tags=[TAG],
        operation_id="auth_token",
        summary="Log in: a token pair for an email and password",
        request=LoginInputSerializer,
        responses={
            200: TokenPairOutputSerializer,
            400: _INVALID,
            401: OpenApiResponse(description="`invalid_credentials`"),
            429: _THROTTLED,
        },
    )
    def post(self, request: Request) -> Response:
        data = _validated(LoginInputSerializer, request)
        pair = user_login(**data, client_ip=client_ip(request))
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
            401: OpenApiResponse(description="`social_token_invalid` or `account_inactive`"),
            404: OpenApiResponse(description="`unknown_provider` or `provider_not_configured`"),
            409: OpenApiResponse(description="`social_email_unverified`"),
            429: _THROTTLED,
        },
    )
    def post(self, request: Request, provider: str) -> Response:
        data = _validated(SocialLoginInputSerializer, request)
        # allauth works on Django's own request.
        pair = social_login(request=request._request, provider=provider, **data)
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

    def get_throttles(self):
        # Deleting confirms with the password: a guessed password counts as a failed login.
        if self.request.method == "DELETE":
            return [LoginFailureThrottle()]
        return super().get_throttles()

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
        summary="Change the caller's display name, time zone or daily goal",
        request=MeUpdateInputSerializer,
        responses={200: MeOutputSerializer, 400: _INVALID, 401: _UNAUTHENTICATED},
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
            429: _THROTTLED,
        },
    )
    def delete(self, request: Request) -> Response:
        data = _validated(PasswordConfirmInputSerializer, request)
        user_delete(user=request.user, **data, client_ip=client_ip(request))
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
    throttle_classes = [LoginFailureThrottle]

    @extend_schema(
        tags=[TAG],
        operation_id="me_password_change",
        summary="Change the password: every login ends, and a new token pair is returned",
        request=PasswordChangeInputSerializer,
        responses={
            200: TokenPairOutputSerializer,
            400: OpenApiResponse(description="`wrong_password`, `weak_password`"),
            401: _UNAUTHENTICATED,
            429: _THROTTLED,
        },
    )
    def post(self, request: Request) -> Response:
        data = _validated(PasswordChangeInputSerializer, request)
        pair = user_password_change(user=request.user, **data, client_ip=client_ip(request))
        return Response(TokenPairOutputSerializer(pair).data)
