from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.forms import PasswordChangeForm, UserChangeForm, UserCreationForm
from accounts.models import User
from accounts.services import user_erase


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = PasswordChangeForm

    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "timezone", "daily_goal_xp")}),
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
