"""Admin forms of the email-login user: Django's own, pointed at our model and its fields; and
allauth's two-factor forms, counting wrong codes in the login policy."""

from allauth.core import context
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from accounts.error_codes import AccountsErrorCode
from accounts.models import User
from accounts.services import user_sessions_revoke
from accounts.throttling import login_failure_record, login_failures_reset, login_is_locked


class _UniqueEmailMixin:
    """Says "taken" on the email field itself; the model's constraint on Lower(email) would only
    give a message at the top of the form."""

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"].strip())
        taken = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("A user with this email already exists."), code=AccountsErrorCode.EMAIL_TAKEN
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


class _CountedCodeMixin:
    """A wrong code on allauth's pages counts as a failed login of the (address, account) pair,
    as on the API; a locked pair is refused before the code is looked at (AxesMiddleware then
    shows the lockout page)."""

    def clean_code(self):
        request = context.request
        email = self.user.email
        if login_is_locked(request=request, email=email):
            login_failure_record(request=request, email=email)
            raise get_mfa_adapter().validation_error("incorrect_code")
        try:
            code = super().clean_code()
        except forms.ValidationError:
            login_failure_record(request=request, email=email)
            raise
        login_failures_reset(request=request, email=email)
        return code


class MFAAuthenticateForm(_CountedCodeMixin, AuthenticateForm):
    pass


class MFAReauthenticateForm(_CountedCodeMixin, ReauthenticateForm):
    pass
