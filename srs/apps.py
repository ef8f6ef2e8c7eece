from django.apps import AppConfig


class SrsConfig(AppConfig):
    name = "srs"
    verbose_name = "Spaced repetition"

    def ready(self) -> None:
        from accounts.registry import exporter_register
        from srs import checks  # noqa: F401  (registers the system checks)
        from srs.selectors import srs_export

        exporter_register("srs", srs_export)
