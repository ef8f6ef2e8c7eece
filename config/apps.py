from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project package as an app, so its system checks are registered."""

    name = "config"
    label = "config"

    def ready(self):
        from config import checks  # noqa: F401
