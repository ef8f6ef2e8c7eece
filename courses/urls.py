from django.urls import path

from courses.api import CourseListApi

urlpatterns = [
    path("courses/", CourseListApi.as_view(), name="course-list"),
    # courses/<slug>/ is served by progress.api.CourseDetailApi, a subclass of
    # courses.api.CourseDetailApi that fills in each lesson's status for the caller.
]
