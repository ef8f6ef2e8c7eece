from django.urls import path

from accounts import api

urlpatterns = [
    path("auth/register/", api.RegisterApi.as_view(), name="auth-register"),
    path("auth/token/", api.LoginApi.as_view(), name="auth-token"),
    path("auth/token/mfa/", api.LoginMFAApi.as_view(), name="auth-token-mfa"),
    path("auth/token/refresh/", api.TokenRefreshApi.as_view(), name="auth-token-refresh"),
    path("auth/logout/", api.LogoutApi.as_view(), name="auth-logout"),
    path("auth/password/reset/", api.PasswordResetApi.as_view(), name="auth-password-reset"),
    path(
        "auth/password/reset/confirm/",
        api.PasswordResetConfirmApi.as_view(),
        name="auth-password-reset-confirm",
    ),
    path("auth/social/<str:provider>/", api.SocialLoginApi.as_view(), name="auth-social"),
    path("me/", api.MeApi.as_view(), name="me"),
    path("me/export/", api.MeExportApi.as_view(), name="me-export"),
    path("me/password/", api.MePasswordApi.as_view(), name="me-password"),
    path("me/mfa/totp/", api.MeTOTPApi.as_view(), name="me-mfa-totp"),
    path("me/mfa/recovery-codes/", api.MeRecoveryCodesApi.as_view(), name="me-mfa-recovery-codes"),
]
