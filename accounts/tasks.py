from celery import shared_task

from accounts.services import tokens_expired_flush


@shared_task(name="accounts.tasks.expired_tokens_flush")
def expired_tokens_flush() -> int:
    """Daily (beat): deletes the refresh tokens that have expired."""
    return tokens_expired_flush()
