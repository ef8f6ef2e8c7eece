"""The learner's catalogue and course path (API.md, "Courses and the path"): parse, read, render.

`CourseDetailApi.get_tree_and_statuses` is the seam for the learning loop: a subclass returns the
tree with each lesson's status for the caller (locked / available / completed); lessons it
leaves out are "available".
"""

import threading
import weakref
from itertools import repeat

import orjson
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.renderers import JSONRenderer, RawJSON
from config.api.representation import Representer
from courses.selectors import CourseTree, course_list_published, course_tree_get
from courses.serializers import (
    DEFAULT_LESSON_STATUS,
    LESSON_STATUSES,
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


# Each lesson's status in the rendered path, filled in per request (see _PathPieces).
_STATUS_MARK = b'"status":"\\u0000"'
_STATUS_JSON = {status: b'"status":' + orjson.dumps(status) for status in LESSON_STATUSES}


class _PathPieces:
    """A course tree's sections rendered once as JSON, in pieces between the lessons' statuses:
    the path is the same for every caller but for those. Building a dict per lesson and encoding
    it again on every request was most of a 300-lesson path's time under load (py-spy).

    The status is rendered as a NUL character, which JSON can only write escaped, so its mark
    cannot come from any text of the course."""

    def __init__(self, tree: CourseTree):
        marked = [
            {
                **section,
                "units": [
                    {**unit, "lessons": [{**lesson, "status": "\0"} for lesson in unit["lessons"]]}
                    for unit in section["units"]
                ],
            }
            for section in tree.sections
        ]
        rendered = JSONRenderer().render(marked)
        self.pieces = rendered.split(_STATUS_MARK)
        self.lesson_ids = tree.lesson_ids
        if len(self.pieces) != len(self.lesson_ids) + 1:  # pragma: no cover - a broken invariant
            raise AssertionError("The path's lessons and their marks do not match.")

    def render(self, statuses: dict[int, str]) -> RawJSON:
        pieces = self.pieces
        # The pieces and the statuses interleaved by slices and maps, with no Python loop per
        # lesson: this runs on every visit, over every lesson of the path.
        out = [b""] * (2 * len(pieces) - 1)
        out[::2] = pieces
        out[1::2] = map(
            _STATUS_JSON.__getitem__,
            map(statuses.get, self.lesson_ids, repeat(DEFAULT_LESSON_STATUS)),
        )
        return RawJSON(b"".join(out))


# Beside the tree it renders, and gone with it when course_tree_get lets the tree go.
_pieces_of: "weakref.WeakKeyDictionary[CourseTree, _PathPieces]" = weakref.WeakKeyDictionary()
_pieces_lock = threading.Lock()


def _path_pieces(tree: CourseTree) -> _PathPieces:
    with _pieces_lock:
        pieces = _pieces_of.get(tree)
    if pieces is None:
        pieces = _PathPieces(tree)  # outside the lock: two threads may both build it, once
        with _pieces_lock:
            pieces = _pieces_of.setdefault(tree, pieces)
    return pieces


class CourseDetailApi(APIView):
    permission_classes = [AllowAny]
    serializer_class = CourseTreeOutputSerializer

    def get_tree_and_statuses(self, slug: str) -> tuple[CourseTree, dict[int, str]]:
        """The published course's tree, and lesson id → status for the caller (a lesson left out
        is "available"): a subclass that knows the statuses reads them with the tree."""
        return course_tree_get(slug=slug), {}

    @extend_schema(
        operation_id="courses_retrieve",
        responses={200: CourseTreeOutputSerializer, 404: _NOT_FOUND},
        summary="A published course with its path: sections, units and lessons with statuses",
    )
    def get(self, request: Request, slug: str) -> Response:
        # The tree is kept per course revision (course_tree_get) and so is its rendering: the
        # body is CourseTreeOutputSerializer's shape (the schema), its sections already JSON.
        tree, statuses = self.get_tree_and_statuses(slug)
        body = _course_body(tree.course)
        body["sections"] = _path_pieces(tree).render(statuses)
        return Response(body)
