"""The learner's side of classrooms (API.md, "Classrooms (learner side)"): parse, call, render."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from classrooms.error_codes import ClassroomsErrorCode
from classrooms.selectors import (
    assignment_progress_for,
    class_leaderboard,
    learner_assignments,
    learner_membership_get,
    learner_memberships,
)
from classrooms.serializers import (
    AssignmentOutputSerializer,
    ClassLeaderboardOutputSerializer,
    ClassroomOutputSerializer,
    JoinInputSerializer,
    MembershipUpdateInputSerializer,
)
from classrooms.services import classroom_join, classroom_leave, membership_update
from config.api.errors import NotFound
from config.api.pagination import PageNumberPagination
from config.timeutils import aware

TAG = "classrooms"
_UNAUTHORIZED = OpenApiResponse(description="Not signed in.")
_NOT_MEMBER = OpenApiResponse(
    description="`classroom_not_found`: no such classroom among the caller's current ones."
)


def _membership_or_404(*, student, classroom_id: int):
    membership = learner_membership_get(student=student, classroom_id=classroom_id)
    if membership is None:
        raise NotFound(
            "You are not in this classroom.", code=ClassroomsErrorCode.CLASSROOM_NOT_FOUND
        )
    return membership


class JoinApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="classrooms_join",
        summary="Join a classroom by its code (200 when already a member)",
        request=JoinInputSerializer,
        responses={
            201: ClassroomOutputSerializer,
            200: ClassroomOutputSerializer,
            400: OpenApiResponse(description="`invalid`: no code sent."),
            401: _UNAUTHORIZED,
            404: OpenApiResponse(description="`invalid_code`: no open classroom has this code."),
            409: OpenApiResponse(description="`teaches_classroom`: the caller teaches it."),
            429: OpenApiResponse(
                description="`throttled`: too many wrong codes from this learner in the last "
                "hour; every code is refused until then."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        data = JoinInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership, created = classroom_join(student=request.user, code=data.validated_data["code"])
        shown = learner_membership_get(student=request.user, classroom_id=membership.classroom_id)
        return Response(
            ClassroomOutputSerializer(shown).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MyClassroomsApi(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=[TAG],
        operation_id="me_classrooms_list",
        summary="The caller's current classrooms, newest first",
        responses={200: ClassroomOutputSerializer(many=True), 401: _UNAUTHORIZED},
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            learner_memberships(student=request.user), request, view=self
        )
        return paginator.get_paginated_response(ClassroomOutputSerializer(page, many=True).data)


class MyClassroomApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="me_classrooms_retrieve",
        summary="One of the caller's classrooms",
        responses={200: ClassroomOutputSerializer, 401: _UNAUTHORIZED, 404: _NOT_MEMBER},
    )
    def get(self, request: Request, classroom_id: int) -> Response:
        membership = _membership_or_404(student=request.user, classroom_id=classroom_id)
        return Response(ClassroomOutputSerializer(membership).data)

    @extend_schema(
        tags=[TAG],
        operation_id="me_classrooms_partial_update",
        summary="Share (or stop sharing) the caller's email with the class's teachers",
        request=MembershipUpdateInputSerializer,
        responses={
            200: ClassroomOutputSerializer,
            400: OpenApiResponse(description="`invalid`"),
            401: _UNAUTHORIZED,
            404: _NOT_MEMBER,
        },
    )
    def patch(self, request: Request, classroom_id: int) -> Response:
        data = MembershipUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if "share_email" in data.validated_data:
            # The service refuses a classroom the caller is not in, as the read below does.
            membership_update(
                student=request.user,
                classroom_id=classroom_id,
                share_email=data.validated_data["share_email"],
            )
        membership = _membership_or_404(student=request.user, classroom_id=classroom_id)
        return Response(ClassroomOutputSerializer(membership).data)

    @extend_schema(
        tags=[TAG],
        operation_id="me_classrooms_destroy",
        summary="Leave a classroom (the teacher sees that the learner left)",
        responses={204: None, 401: _UNAUTHORIZED, 404: _NOT_MEMBER},
    )
    def delete(self, request: Request, classroom_id: int) -> Response:
        classroom_leave(student=request.user, classroom_id=classroom_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyClassroomLeaderboardApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="me_classrooms_leaderboard",
        summary="This week's XP among the classroom's students (weeks start Monday 00:00 UTC)",
        responses={200: ClassLeaderboardOutputSerializer, 401: _UNAUTHORIZED, 404: _NOT_MEMBER},
    )
    def get(self, request: Request, classroom_id: int) -> Response:
        membership = _membership_or_404(student=request.user, classroom_id=classroom_id)
        start, standings = class_leaderboard(membership=membership)
        body = {"classroom": classroom_id, "week_start": start, "standings": standings}
        return Response(ClassLeaderboardOutputSerializer(body).data)


class MyAssignmentsApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="me_assignments_list",
        summary="Assignments of the caller's classrooms with progress and status, soonest due "
        "first (a plain list, as API.md shows it: a class's assignments are few)",
        responses={200: AssignmentOutputSerializer(many=True), 401: _UNAUTHORIZED},
    )
    def get(self, request: Request) -> Response:
        assignments = list(learner_assignments(student=request.user))
        progress = assignment_progress_for(
            assignments=assignments, student_ids=[request.user.pk], now=aware()
        )
        for assignment in assignments:
            shown = progress[(assignment.id, request.user.pk)]
            assignment.progress_view = shown
            assignment.status = shown.status.value
        return Response(AssignmentOutputSerializer(assignments, many=True).data)
