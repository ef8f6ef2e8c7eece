"""Admin forms of the email-login user: Django's own, pointed at our model and its fields."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import user_sessions_revoke


class _UniqueEmailMixin:
    """Says "taken" on the email field itself; the model's constraint on Lower(email) would only
    give a message at the top of the form."""

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"].strip())
        taken = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("A user with this email already exists."), code="email_taken"
            )
        return email


class UserCreationForm(_UniqueEmailMixin, auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name", "timezone", "daily_goal_xp")


class UserChangeForm(_UniqueEmailMixin, auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class PasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    """A password set (or removed) by an admin ends every login of the user, as the user's own
    password change does."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            user_sessions_revoke(user=user)
        return user
