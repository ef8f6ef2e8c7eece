from django.urls import path

from progress import api

urlpatterns = [
    # The one course detail route: the content app's view, with each lesson's status for the
    # caller filled in from progress (courses/urls.py leaves the path to this one).
    path("courses/<slug:slug>/", api.CourseDetailApi.as_view(), name="course-detail"),
    path("courses/<slug:slug>/enroll/", api.EnrollApi.as_view(), name="course-enroll"),
    path("me/courses/", api.MyCoursesApi.as_view(), name="me-courses"),
    path(
        "lessons/<int:lesson_id>/sessions/",
        api.LessonSessionStartApi.as_view(),
        name="lesson-session-start",
    ),
    path("practice/hearts/", api.PracticeHeartsApi.as_view(), name="practice-hearts"),
    path("sessions/<int:session_id>/", api.SessionDetailApi.as_view(), name="session-detail"),
    path(
        "sessions/<int:session_id>/answers/",
        api.SessionAnswerApi.as_view(),
        name="session-answer",
    ),
    path(
        "sessions/<int:session_id>/complete/",
        api.SessionCompleteApi.as_view(),
        name="session-complete",
    ),
]
