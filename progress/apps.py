from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "progress"

    def ready(self) -> None:
        from accounts.registry import exporter_register
        from progress.selectors import progress_export

        exporter_register("progress", progress_export)
