from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # The OpenAPI extension of our authentication class, and the receivers that end API
        # logins when allauth's pages change or reset a password.
        from accounts import schema, signals  # noqa: F401
        from accounts.services import tokens_expired_flush
        from config.jobs import job_register

        job_register(
            "expired_tokens_flush",
            lambda *, at: tokens_expired_flush(),
            description="daily: delete expired refresh tokens and the logins they ended",
        )
