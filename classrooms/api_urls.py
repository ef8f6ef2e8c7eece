from django.urls import path

from classrooms import api

urlpatterns = [
    path("classrooms/join/", api.JoinApi.as_view(), name="classrooms-join"),
    path("me/classrooms/", api.MyClassroomsApi.as_view(), name="me-classrooms"),
    path("me/classrooms/<int:classroom_id>/", api.MyClassroomApi.as_view(), name="me-classroom"),
    path(
        "me/classrooms/<int:classroom_id>/leaderboard/",
        api.MyClassroomLeaderboardApi.as_view(),
        name="me-classroom-leaderboard",
    ),
    path("me/assignments/", api.MyAssignmentsApi.as_view(), name="me-assignments"),
]
