"""Machine codes of the errors accounts raises; clients branch on these, people read the message."""

from enum import StrEnum


class AccountsErrorCode(StrEnum):
    # Registration and profile
    EMAIL_TAKEN = "email_taken"
    USERNAME_TAKEN = "username_taken"
    WEAK_PASSWORD = "weak_password"
    # Logging in and tokens
    INVALID_CREDENTIALS = "invalid_credentials"
    TOKEN_NOT_VALID = "token_not_valid"
    ACCOUNT_INACTIVE = "account_inactive"
    # Password reset
    INVALID_RESET_TOKEN = "invalid_reset_token"
    # Confirming with the password (account deletion, password change)
    WRONG_PASSWORD = "wrong_password"
    PASSWORD_NOT_SET = "password_not_set"
    DELETION_BLOCKED = "deletion_blocked"
    # Social login
    UNKNOWN_PROVIDER = "unknown_provider"
    PROVIDER_NOT_CONFIGURED = "provider_not_configured"
    TOKEN_LOGIN_NOT_SUPPORTED = "token_login_not_supported"
    SOCIAL_TOKEN_INVALID = "social_token_invalid"
    SOCIAL_EMAIL_MISSING = "social_email_missing"
    SOCIAL_EMAIL_UNVERIFIED = "social_email_unverified"
    SOCIAL_LOGIN_CONFLICT = "social_login_conflict"
    # Two-factor authentication (TOTP and recovery codes)
    MFA_REQUIRED = "mfa_required"
    INVALID_CODE = "invalid_code"
    MFA_ALREADY_ENABLED = "mfa_already_enabled"
    MFA_NOT_ENABLED = "mfa_not_enabled"
    MFA_SETUP_NOT_STARTED = "mfa_setup_not_started"
    MFA_EMAIL_UNVERIFIED = "mfa_email_unverified"
