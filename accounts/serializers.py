"""Input and output serializers of the accounts API: shapes only, the rules live in services."""

from zoneinfo import available_timezones

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.mfa import totp_is_enabled
from accounts.models import DailyGoal, User
from accounts.usernames import USERNAME_MAX_LENGTH
from accounts.validators import validate_display_text, validate_timezone
from config.api.fields import StrictCharField

# --- Input -------------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "enum": sorted(available_timezones())})
class TimezoneField(StrictCharField):
    """An IANA time zone name; the schema lists the names this server knows. Not trimmed: " UTC"
    is not one of them."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", [validate_timezone])
        super().__init__(max_length=64, trim_whitespace=False, **kwargs)


class RegisterInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = StrictCharField(max_length=128, trim_whitespace=False)
    display_name = StrictCharField(max_length=80, validators=[validate_display_text])
    timezone = TimezoneField(required=False, default="UTC")
    username = StrictCharField(
        max_length=USERNAME_MAX_LENGTH + 10,
        required=False,
        help_text="3 to 30 of a-z, 0-9, _ and . (upper case is lowered); suggested when left out.",
    )


class LoginInputSerializer(serializers.Serializer):
    # Not an EmailField: a malformed email is just wrong credentials, and counts as a failure.
    email = StrictCharField(max_length=254)
    password = StrictCharField(max_length=128, trim_whitespace=False)


class RefreshInputSerializer(serializers.Serializer):
    refresh = StrictCharField()


class MeUpdateInputSerializer(serializers.Serializer):
    display_name = StrictCharField(
        max_length=80, required=False, validators=[validate_display_text]
    )
    timezone = TimezoneField(required=False)
    daily_goal_xp = serializers.ChoiceField(choices=DailyGoal.choices, required=False)
    username = StrictCharField(
        max_length=USERNAME_MAX_LENGTH + 10,
        required=False,
        help_text="3 to 30 of a-z, 0-9, _ and . (upper case is lowered); unique.",
    )
    profile_public = serializers.BooleanField(required=False)
    leaderboard_opt_out = serializers.BooleanField(required=False)
    streak_reminders = serializers.BooleanField(required=False)
    weekly_progress_email = serializers.BooleanField(required=False)


class PasswordConfirmInputSerializer(serializers.Serializer):
    password = StrictCharField(max_length=128, trim_whitespace=False)


class PasswordChangeInputSerializer(serializers.Serializer):
    current_password = StrictCharField(max_length=128, trim_whitespace=False)
    new_password = StrictCharField(max_length=128, trim_whitespace=False)


class PasswordResetInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmInputSerializer(serializers.Serializer):
    uid = StrictCharField(max_length=64, help_text="The `uid` of the mailed reset link.")
    token = StrictCharField(max_length=128, help_text="The `token` of the mailed link.")
    password = StrictCharField(max_length=128, trim_whitespace=False)


class SocialLoginInputSerializer(serializers.Serializer):
    at_least_one_of = ("access_token", "id_token")  # stated in the schema by config.api.schema
    access_token = StrictCharField(required=False)
    id_token = StrictCharField(required=False)
    client_id = StrictCharField(
        required=False,
        help_text="The app's client id at the provider, when several apps are set up for it.",
    )

    def validate(self, attrs):
        if not attrs.get("access_token") and not attrs.get("id_token"):
            raise serializers.ValidationError("Send the provider's access_token or id_token.")
        return attrs


class MFACodeInputSerializer(serializers.Serializer):
    code = StrictCharField(
        max_length=32, help_text="A code of the authenticator app, or a recovery code."
    )


class MFALoginInputSerializer(MFACodeInputSerializer):
    mfa_token = StrictCharField(
        max_length=512, help_text="The `mfa_token` of the `mfa_required` answer of auth/token/."
    )


# --- Output ------------------------------------------------------------------------------------


class TokenPairOutputSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class RegisterOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "display_name", "username"]


class MeOutputSerializer(serializers.ModelSerializer):
    has_password = serializers.SerializerMethodField()
    totp_enabled = serializers.SerializerMethodField(
        help_text="Whether signing in asks for a TOTP code (so a client offers to turn it off "
        "rather than on)."
    )

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "display_name",
            "username",
            "profile_public",
            "leaderboard_opt_out",
            "streak_reminders",
            "weekly_progress_email",
            "timezone",
            "daily_goal_xp",
            "date_joined",
            "last_login",
            "has_password",
            "totp_enabled",
        ]

    def get_has_password(self, user: User) -> bool:
        return user.has_usable_password()

    def get_totp_enabled(self, user: User) -> bool:
        return totp_is_enabled(user=user)


class MFARequiredErrorSerializer(serializers.Serializer):
    """401 `mfa_required`: the error shape, with the mfa_token for auth/token/mfa/ inside the
    error and, for clients that look there, beside it."""

    class _Error(serializers.Serializer):
        code = serializers.CharField()
        message = serializers.CharField()
        mfa_token = serializers.CharField()

    error = _Error()
    mfa_token = serializers.CharField()


class TOTPSetupOutputSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The base32 secret, for typing into the app.")
    otpauth_url = serializers.CharField(help_text="The otpauth:// URL the QR code holds.")
    qr_svg = serializers.CharField(help_text="The QR code of otpauth_url, as an SVG document.")


class RecoveryCodesOutputSerializer(serializers.Serializer):
    recovery_codes = serializers.ListField(child=serializers.CharField())
