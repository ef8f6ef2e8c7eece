"""The learner's API for the path and lesson sessions (API.md, "Courses and the path" and
"Lesson sessions"): parse, call a service or selector, render."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.pagination import PageNumberPagination
from config.api.representation import Representer
from courses.api import CourseDetailApi as ContentCourseDetailApi
from courses.selectors import CourseTree, course_tree_at
from progress import services
from progress.selectors import (
    course_published_get,
    enrollments_list,
    lesson_for_session_get,
    lesson_session_view_get,
    lesson_statuses_for,
    path_progress_get,
)
from progress.serializers import (
    EnrollmentOutputSerializer,
    LessonSessionOutputSerializer,
    MyCourseOutputSerializer,
    SessionAnswerInputSerializer,
    SessionAnswerOutputSerializer,
    SessionCompleteOutputSerializer,
)

# Every answer's body: one serializer per process (config/api/representation.py).
_answer_body = Representer(SessionAnswerOutputSerializer)


class CourseDetailApi(ContentCourseDetailApi):
    """The course tree, each lesson with its status for the caller (locked, available,
    completed). Served from here because only progress knows what the learner completed.
    Open to anonymous callers (as its parent), who see what a new learner would."""

    def get_tree_and_statuses(self, slug: str) -> tuple[CourseTree, dict[int, str]]:
        # The tree, kept per course revision, holds the lessons in order and their
        # prerequisites: what is left to read is the revision and what the caller completed,
        # both in one query.
        progress = path_progress_get(user=self.request.user, slug=slug)
        tree = course_tree_at(course_id=progress.course_id, revision=progress.revision)
        statuses = lesson_statuses_for(
            user=self.request.user,
            course=tree.course,
            ordered_lesson_ids=tree.lesson_ids,
            prerequisites=tree.prerequisites,
            completed_in_course=progress.completed,
        )
        return tree, statuses


class EnrollApi(APIView):
    @extend_schema(
        operation_id="courses_enroll",
        request=None,
        responses={
            201: EnrollmentOutputSerializer,
            200: EnrollmentOutputSerializer,
            404: OpenApiResponse(description="`course_not_found`: no published course has it."),
        },
        summary="Enrol in a published course (200 when already enrolled)",
    )
    def post(self, request: Request, slug: str) -> Response:
        course = course_published_get(slug=slug)
        enrollment, created = services.enrollment_create(user=request.user, course=course)
        return Response(
            EnrollmentOutputSerializer(enrollment).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MyCoursesApi(APIView):
    """What a client shows first: the courses the learner is enrolled in, so a new device (or a
    cleared browser) finds them without guessing among the catalogue."""

    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="me_courses_list",
        responses={200: MyCourseOutputSerializer(many=True)},
        summary="The caller's enrolled (published) courses, the latest enrolment first",
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(enrollments_list(user=request.user), request, view=self)
        return paginator.get_paginated_response(MyCourseOutputSerializer(page, many=True).data)


class LessonSessionStartApi(APIView):
    @extend_schema(
        operation_id="lessons_sessions_create",
        request=None,
        responses={
            201: LessonSessionOutputSerializer,
            403: OpenApiResponse(description="`not_enrolled`, `lesson_locked` or `no_hearts`."),
            404: OpenApiResponse(description="`lesson_not_found`: not in a published course."),
            409: OpenApiResponse(description="`lesson_empty`: the lesson has no exercises yet."),
        },
        summary="Start a session on a lesson (a completed lesson starts a practice session)",
    )
    def post(self, request: Request, lesson_id: int) -> Response:
        lesson = lesson_for_session_get(lesson_id=lesson_id)
        session = services.lesson_session_start(user=request.user, lesson=lesson)
        return Response(LessonSessionOutputSerializer(session).data, status=status.HTTP_201_CREATED)


class PracticeHeartsApi(APIView):
    @extend_schema(
        operation_id="practice_hearts_create",
        request=None,
        responses={
            201: LessonSessionOutputSerializer,
            409: OpenApiResponse(
                description="`nothing_to_practise`: no lesson was started yet (the first "
                "lesson is open: a learner who never started one has all their hearts)."
            ),
        },
        summary="Start a practice of material already met, even without hearts; finishing it "
        "restores a heart (409 nothing_to_practise before any lesson was started)",
    )
    def post(self, request: Request) -> Response:
        session = services.practice_session_start(user=request.user)
        return Response(LessonSessionOutputSerializer(session).data, status=status.HTTP_201_CREATED)


class SessionDetailApi(APIView):
    @extend_schema(
        operation_id="sessions_retrieve",
        responses={200: LessonSessionOutputSerializer},
        summary="The session as at its start, each exercise with answered and correct: resume it",
    )
    def get(self, request: Request, session_id: int) -> Response:
        view = lesson_session_view_get(user=request.user, session_id=session_id)
        return Response(LessonSessionOutputSerializer(view).data)


class SessionAnswerApi(APIView):
    @extend_schema(
        operation_id="sessions_answers_create",
        request=SessionAnswerInputSerializer,
        responses={
            200: SessionAnswerOutputSerializer,
            400: OpenApiResponse(
                description="`invalid`, `exercise_not_in_session` or `invalid_answer`."
            ),
            404: OpenApiResponse(description="`session_not_found`: no session of the caller's."),
            409: OpenApiResponse(description="`session_finished` or `exercise_broken`."),
        },
        summary="Answer one exercise of the session; graded on the server",
    )
    def post(self, request: Request, session_id: int) -> Response:
        serializer = SessionAnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.session_answer_submit(
            user=request.user,
            session_id=session_id,
            exercise_id=data["exercise"],
            answer=data["answer"],
            client_id=data.get("client_id"),
        )
        return Response(_answer_body(result))


class SessionCompleteApi(APIView):
    @extend_schema(
        operation_id="sessions_complete",
        request=None,
        responses={
            200: SessionCompleteOutputSerializer,
            404: OpenApiResponse(description="`session_not_found`: no session of the caller's."),
            409: OpenApiResponse(description="`session_finished` or `session_incomplete`."),
        },
        summary="Finish the session: score, XP, progress, streak (repeating it changes nothing)",
    )
    def post(self, request: Request, session_id: int) -> Response:
        result = services.lesson_session_complete(user=request.user, session_id=session_id)
        return Response(SessionCompleteOutputSerializer(result).data)
