"""Reads of course content: what learners may see, and whole trees for checks and previews.

Each selector fetches a tree in a fixed number of queries (one per level), whatever its size.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from config.api.errors import NotFound
from courses.error_codes import CoursesErrorCode
from courses.models import Course, Exercise, ExerciseOption, Lesson, Section, Unit

LESSON_ORDER = ("unit__section__position", "unit__position", "position")


def course_list_published() -> QuerySet[Course]:
    """Published courses with their languages, in a stable order for pagination."""
    return (
        Course.objects.published()
        .select_related("learning_language", "from_language")
        .order_by("title", "pk")
    )


@dataclass(frozen=True)
class CoursePath:
    course: Course
    # Sections → units → lessons as the API renders them (CourseTreeOutputSerializer's shape),
    # lessons without their status, which the caller adds.
    sections: list[dict]
    lesson_ids: list[int]  # in course order


def course_path_get(*, slug: str) -> CoursePath:
    """`GET courses/{slug}/`'s tree in four queries (one per level), read as plain rows: for a
    course of 300 lessons, building a model instance and running serializer fields per row was
    most of the request's time (pyinstrument). A draft or archived course is the same 404 as one
    that does not exist: learners must not learn that it is there."""
    course = (
        Course.objects.published()
        .select_related("learning_language", "from_language")
        .filter(slug=slug)
        .first()
    )
    if course is None:
        raise NotFound("No published course has this slug.", code=CoursesErrorCode.COURSE_NOT_FOUND)
    sections = list(
        Section.objects.filter(course=course)
        .order_by("position")
        .values("id", "title", "description", "cefr_level")
    )
    units = list(
        Unit.objects.filter(section_id__in=[section["id"] for section in sections])
        .order_by("position")
        .values("id", "section_id", "title", "description", "guidebook", "color", "icon")
    )
    lessons = Lesson.objects.filter(unit_id__in=[unit["id"] for unit in units]).order_by("position")
    lessons_of: dict[int, list[dict]] = defaultdict(list)
    for lesson in lessons.values("id", "unit_id", "slug", "title", "xp_reward"):
        lessons_of[lesson.pop("unit_id")].append(lesson)
    units_of: dict[int, list[dict]] = defaultdict(list)
    for unit in units:
        unit["lessons"] = lessons_of.get(unit["id"], [])
        units_of[unit.pop("section_id")].append(unit)
    for section in sections:
        section["units"] = units_of.get(section["id"], [])
    ordered = [
        lesson["id"]
        for section in sections
        for unit in section["units"]
        for lesson in unit["lessons"]
    ]
    return CoursePath(course=course, sections=sections, lesson_ids=ordered)


def _exercises_prefetch() -> Prefetch:
    return Prefetch(
        "exercises",
        Exercise.objects.order_by("position").prefetch_related(
            Prefetch("options", ExerciseOption.objects.order_by("position"))
        ),
    )


def course_content_get(*, course_id: int) -> Course:
    """A course of any status with its whole content down to options, for the publish check."""
    lessons = Lesson.objects.order_by("position").prefetch_related(
        _exercises_prefetch(),
        Prefetch("prerequisites", Lesson.objects.only("id", "slug", "course_id")),
    )
    units = Unit.objects.order_by("position").prefetch_related(Prefetch("lessons", lessons))
    sections = Section.objects.order_by("position").prefetch_related(Prefetch("units", units))
    return Course.objects.prefetch_related(Prefetch("sections", sections)).get(pk=course_id)


def lesson_preview_get(*, lesson_id: int) -> Lesson:
    """A lesson of any status with its exercises, options, words and place in the course."""
    return (
        Lesson.objects.select_related("unit__section__course")
        .prefetch_related(
            _exercises_prefetch(),
            "exercises__words",
            "words",
            Prefetch("prerequisites", Lesson.objects.only("id", "slug", "title", "course_id")),
        )
        .get(pk=lesson_id)
    )


def course_outline_get(*, course_id: int) -> list[Section]:
    """A course's sections → units → lessons in course order, for the admin's outline; three
    queries, whatever the course's size."""
    lessons = Lesson.objects.order_by("position").only("id", "unit_id", "slug", "title")
    units = Unit.objects.order_by("position").prefetch_related(Prefetch("lessons", lessons))
    return list(
        Section.objects.filter(course_id=course_id)
        .order_by("position")
        .prefetch_related(Prefetch("units", units))
    )


# --- For the classrooms' pages ------------------------------------------------------------------


def course_published_by_slug(*, slug: str) -> Course | None:
    return Course.objects.published().filter(slug=slug).first()


def courses_published_choices() -> list[tuple[str, str]]:
    """(slug, title) of every published course, for a form's choices."""
    return list(course_list_published().values_list("slug", "title"))


def course_lessons_in_order(*, course_id: int) -> QuerySet[Lesson]:
    return (
        Lesson.objects.filter(course_id=course_id)
        .select_related("unit__section")
        .order_by(*LESSON_ORDER)
    )


def exercises_describe(*, exercise_ids) -> dict[int, dict]:
    """Exercise id → {type, prompt, lesson, unit, options: {option id: text}} in two queries;
    ids of exercises deleted since are absent."""
    rows = Exercise.objects.filter(id__in=exercise_ids).values(
        "id", "type", "prompt", "lesson__title", "lesson__unit__title"
    )
    described = {
        row["id"]: {
            "type": row["type"],
            "prompt": row["prompt"],
            "lesson": row["lesson__title"],
            "unit": row["lesson__unit__title"],
            "options": {},
        }
        for row in rows
    }
    options = ExerciseOption.objects.filter(exercise_id__in=described).values_list(
        "exercise_id", "id", "text"
    )
    for exercise_id, option_id, text in options:
        described[exercise_id]["options"][option_id] = text
    return described
