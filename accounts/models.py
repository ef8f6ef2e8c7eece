from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from accounts.fields import DisplayTextField
from accounts.usernames import USERNAME_MAX_LENGTH, username_suggest, validate_username
from accounts.validators import validate_timezone


class DailyGoal(models.IntegerChoices):
    CASUAL = 10, _("Casual (10 XP)")
    REGULAR = 20, _("Regular (20 XP)")
    SERIOUS = 30, _("Serious (30 XP)")
    INTENSE = 50, _("Intense (50 XP)")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser needs is_staff and is_superuser.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Email is the login whatever its case, as the unique constraint on Lower(email) promises.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), max_length=254)
    display_name = DisplayTextField(_("display name"), max_length=80, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    daily_goal_xp = models.PositiveSmallIntegerField(
        _("daily goal (XP)"), choices=DailyGoal.choices, default=DailyGoal.REGULAR
    )
    # Null only between the migration that added it and the one that filled it in; every account
    # made since gets one on its first save (`save` below).
    username = models.CharField(  # noqa: DJ001  (NULL lets old rows wait for the backfill)
        _("username"),
        max_length=USERNAME_MAX_LENGTH,
        null=True,
        blank=True,
        validators=[validate_username],
    )
    profile_public = models.BooleanField(
        _("public profile"),
        default=True,
        help_text=_("Whether learners who do not follow this one can find and see the profile."),
    )
    leaderboard_opt_out = models.BooleanField(_("hidden from leaderboards"), default=False)
    streak_reminders = models.BooleanField(
        _("evening streak reminders"),
        default=True,
        help_text=_("An evening reminder, on a day not yet studied, that the streak is at stake."),
    )
    weekly_progress_email = models.BooleanField(
        _("weekly progress email"),
        default=True,
        help_text=_("A Monday email with the week's XP, streak, league result and words."),
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("A user with this email already exists."),
            ),
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message=_("This username is taken."),
            ),
            models.CheckConstraint(
                condition=models.Q(daily_goal_xp__in=DailyGoal.values),
                name="accounts_user_daily_goal_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        # Every way an account is made (registration, the site's sign-up, social login, the
        # admin, createsuperuser) ends here: a learner without a username gets a suggestion.
        if not self.username:
            self.username = username_suggest(
                self.display_name or "",
                (self.email or "").split("@", 1)[0],
                taken=lambda name: User.objects.filter(username__iexact=name).exists(),
            )
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@", 1)[0]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_now(self):
        return now().astimezone(self.zone)


class LoginSession(models.Model):
    """One login: every token issued by it carries its `sid` claim (see `accounts.tokens`).

    The record of revocation: a token is honoured only while its session exists and has no
    `revoked_at`, so a logout, a password change or reset, or a deletion holds whatever happens
    to the cache. Only the refresh token whose jti is `refresh_jti` may rotate; presenting an
    older one of the same login is a replay and revokes the login.
    """

    class RevokeReason(models.TextChoices):
        LOGOUT = "logout", _("logged out")
        PASSWORD_CHANGE = "password_change", _("password changed")
        PASSWORD_RESET = "password_reset", _("password reset")
        DELETION = "deletion", _("account deleted")
        REFRESH_REUSE = "refresh_reuse", _("a rotated refresh token was replayed")
        ADMIN = "admin", _("revoked by an administrator")

    sid = models.CharField(_("session id"), max_length=64, unique=True)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="login_sessions", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("created at"), default=now)
    refresh_jti = models.CharField(_("newest refresh token id"), max_length=255)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(
        _("revoke reason"), max_length=32, choices=RevokeReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")
        indexes = [models.Index(fields=["user", "revoked_at"], name="accounts_session_user_live")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.sid}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
