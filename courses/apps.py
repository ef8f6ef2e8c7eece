from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    # Not "Courses": the admin's breadcrumbs would read "Courses > Courses".
    verbose_name = _("Course content")

    def ready(self) -> None:
        # The receivers that give a course a new content revision when its tree changes.
        from courses import signals  # noqa: F401
