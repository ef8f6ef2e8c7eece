from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "social"
    verbose_name = "Social"

    def ready(self) -> None:
        from accounts.registry import exporter_register
        from social.selectors import social_export

        exporter_register("social", social_export)
