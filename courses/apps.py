from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    # Not "Courses": the admin's breadcrumbs would read "Courses > Courses".
    verbose_name = _("Course content")
