from django.apps import AppConfig


class GamificationConfig(AppConfig):
    name = "gamification"
    verbose_name = "Gamification"

    def ready(self) -> None:
        from accounts.registry import exporter_register
        from gamification import checks  # noqa: F401  (registers the system checks)
        from gamification.selectors import gamification_export, profile_stats
        from social.registry import profile_provider_register

        exporter_register("gamification", gamification_export)
        profile_provider_register("gamification.stats", profile_stats)
