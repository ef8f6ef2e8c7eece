"""A password changed, set or reset through allauth's own pages ends every API login too, as
the API's own password change and reset do (`accounts.services.user_sessions_revoke`); and an
account made on those pages always has a display name, which the API requires."""

from allauth.account.signals import password_changed, password_reset, password_set, user_signed_up
from django.dispatch import receiver

from accounts.models import LoginSession
from accounts.services import user_display_name_default, user_sessions_revoke


@receiver(password_reset, dispatch_uid="accounts.logins_end_on_password_reset")
def _logins_end_on_password_reset(sender, user, **kwargs) -> None:
    user_sessions_revoke(user=user, reason=LoginSession.RevokeReason.PASSWORD_RESET)


@receiver(password_changed, dispatch_uid="accounts.logins_end_on_password_change")
@receiver(password_set, dispatch_uid="accounts.logins_end_on_password_set")
def _logins_end_on_password_change(sender, user, **kwargs) -> None:
    user_sessions_revoke(user=user, reason=LoginSession.RevokeReason.PASSWORD_CHANGE)


@receiver(user_signed_up, dispatch_uid="accounts.display_name_on_sign_up")
def _display_name_on_sign_up(sender, request, user, sociallogin=None, **kwargs) -> None:
    user_display_name_default(user=user, sociallogin=sociallogin)
