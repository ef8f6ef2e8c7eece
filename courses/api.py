"""The learner's catalogue and course path (API.md, "Courses and the path"): parse, read, render.

`CourseDetailApi.get_lesson_statuses` is the seam for the learning loop: a subclass returns each
lesson's status for the caller (locked / available / completed); lessons it leaves out are
"available".
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.representation import Representer
from courses.selectors import CourseTree, course_list_published, course_tree_get
from courses.serializers import (
    DEFAULT_LESSON_STATUS,
    CourseOutputSerializer,
    CourseTreeOutputSerializer,
)

_course_body = Representer(CourseOutputSerializer)
_NOT_FOUND = OpenApiResponse(description="No published course has this slug (`course_not_found`).")


class CourseListApi(ListAPIView):
    # The catalogue is public: a client shows the courses before sign-up.
    permission_classes = [AllowAny]
    serializer_class = CourseOutputSerializer

    def get_queryset(self):
        return course_list_published()

    @extend_schema(operation_id="courses_list", summary="Published courses, paginated")
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class CourseDetailApi(APIView):
    permission_classes = [AllowAny]
    serializer_class = CourseTreeOutputSerializer

    def get_lesson_statuses(self, tree: CourseTree) -> dict[int, str]:
        """Lesson id → status for the caller; a lesson left out is "available"."""
        return {}

    @extend_schema(
        operation_id="courses_retrieve",
        responses={200: CourseTreeOutputSerializer, 404: _NOT_FOUND},
        summary="A published course with its path: sections, units and lessons with statuses",
    )
    def get(self, request: Request, slug: str) -> Response:
        # The tree comes as plain rows in CourseTreeOutputSerializer's shape (the schema): a
        # serializer field per lesson was most of the time of a long course. It is shared
        # between requests, so the caller's statuses go into new dicts.
        tree = course_tree_get(slug=slug)
        statuses = self.get_lesson_statuses(tree)
        body = _course_body(tree.course)
        body["sections"] = [
            {
                **section,
                "units": [
                    {
                        **unit,
                        "lessons": [
                            {**lesson, "status": statuses.get(lesson["id"], DEFAULT_LESSON_STATUS)}
                            for lesson in unit["lessons"]
                        ],
                    }
                    for unit in section["units"]
                ],
            }
            for section in tree.sections
        ]
        return Response(body)
