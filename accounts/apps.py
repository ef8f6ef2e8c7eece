from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # The OpenAPI extension of our authentication class, and the receivers that end API
        # logins when allauth's pages change or reset a password.
        from accounts import schema, signals  # noqa: F401
