"""The teacher pages under /teach/: for now the teacher's landing page (classrooms come with
their own issue)."""

from django.urls import path

from classrooms import views

app_name = "classrooms"

urlpatterns = [
    path("", views.teacher_home, name="home"),
]
