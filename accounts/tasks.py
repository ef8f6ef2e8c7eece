from celery import shared_task

from accounts.services import password_reset_mail_deliver, tokens_expired_flush


@shared_task(name="accounts.tasks.expired_tokens_flush")
def expired_tokens_flush() -> int:
    """Daily (beat): deletes the refresh tokens that have expired."""
    return tokens_expired_flush()


@shared_task(name="accounts.tasks.password_reset_mail_send")
def password_reset_mail_send(*, email: str, base_url: str) -> bool:
    """Mails a reset link if `email` is an active account's (see `password_reset_request`)."""
    return password_reset_mail_deliver(email=email, base_url=base_url)
