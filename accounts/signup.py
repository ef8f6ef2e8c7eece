"""The display name that allauth's sign-up page asks for (ACCOUNT_SIGNUP_FORM_CLASS).

A module of its own: allauth builds its sign-up form on this class while its forms module is
being imported, so nothing here may import allauth's forms, or what imports them (accounts.forms,
accounts.services).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.validators import validate_display_text


class SignupDisplayNameForm(forms.Form):
    """The API's rules for a display name (RegisterInputSerializer), so that an account made on
    the site has one, as one made through the API does."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=User._meta.get_field("display_name").max_length,
        validators=[validate_display_text],
        help_text=_("Shown to other learners, on leaderboards for instance."),
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])
