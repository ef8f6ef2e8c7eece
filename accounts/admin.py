from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.forms import PasswordChangeForm, UserChangeForm, UserCreationForm
from accounts.models import LoginSession, User
from accounts.services import login_session_revoke, user_erase


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = PasswordChangeForm

    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "timezone", "daily_goal_xp")}),
        (_("Mail from the clock"), {"fields": ("streak_reminders", "weekly_progress_email")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "display_name",
                    "timezone",
                    "daily_goal_xp",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = (
        "email",
        "display_name",
        "timezone",
        "daily_goal_xp",
        "is_active",
        "is_staff",
        "date_joined",
        "last_login",
    )
    list_filter = ("groups", "is_active", "is_staff", "is_superuser", "last_login", "date_joined")
    search_fields = ("email", "display_name")
    ordering = ("-date_joined", "-id")
    date_hierarchy = "date_joined"

    # Deleting from the admin goes through the same service as the learner's own deletion, so
    # the registered hooks run and every login of the user ends.
    def delete_model(self, request, obj):
        user_erase(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            user_erase(user=user)


@admin.register(LoginSession)
class LoginSessionAdmin(admin.ModelAdmin):
    """Who is signed in where: read only, but a login can be ended (say, a lost device)."""

    list_display = ("user", "created_at", "expires_at", "revoked_at", "revoke_reason")
    list_filter = ("revoke_reason", "created_at", "revoked_at")
    list_select_related = ("user",)
    search_fields = ("user__email", "sid")
    ordering = ("-created_at", "-id")
    readonly_fields = (
        "sid",
        "user",
        "created_at",
        "refresh_jti",
        "expires_at",
        "revoked_at",
        "revoke_reason",
    )
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("End the selected logins"), permissions=["delete"])
    def revoke(self, request, queryset):
        for session in queryset.filter(revoked_at__isnull=True):
            login_session_revoke(session=session, reason=LoginSession.RevokeReason.ADMIN)
