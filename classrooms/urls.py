"""The teacher pages under /teach/, and the invite link learners follow."""

from django.urls import path

from classrooms import views

app_name = "classrooms"

urlpatterns = [
    path("", views.teacher_home, name="home"),
    path("classrooms/new/", views.classroom_new, name="new"),
    path("classrooms/<int:classroom_id>/", views.classroom_detail, name="detail"),
    path("classrooms/<int:classroom_id>/settings/", views.classroom_settings, name="settings"),
    path("classrooms/<int:classroom_id>/archive/", views.classroom_archive_view, name="archive"),
    path(
        "classrooms/<int:classroom_id>/code/",
        views.join_code_regenerate_view,
        name="code-regenerate",
    ),
    path(
        "classrooms/<int:classroom_id>/teachers/",
        views.co_teacher_add_view,
        name="co-teacher-add",
    ),
    path(
        "classrooms/<int:classroom_id>/teachers/<int:teacher_id>/remove/",
        views.co_teacher_remove_view,
        name="co-teacher-remove",
    ),
    path(
        "classrooms/<int:classroom_id>/assignments/new/",
        views.assignment_new,
        name="assignment-new",
    ),
    path(
        "classrooms/<int:classroom_id>/assignments/<int:assignment_id>/delete/",
        views.assignment_delete_view,
        name="assignment-delete",
    ),
    path(
        "classrooms/<int:classroom_id>/students/<int:student_id>/",
        views.student_detail,
        name="student",
    ),
    path("classrooms/<int:classroom_id>/items/", views.items, name="items"),
    path("classrooms/<int:classroom_id>/progress.csv", views.progress_csv, name="progress-csv"),
    path("classrooms/<int:classroom_id>/items.csv", views.items_csv, name="items-csv"),
    path("join/<str:code>/", views.join, name="join"),
]
