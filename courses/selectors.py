"""Reads of course content: what learners may see, and whole trees for checks and previews.

Each selector fetches a tree in a fixed number of queries (one per level), whatever its size.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from django.db.models import Prefetch, QuerySet

from config.api.errors import NotFound
from config.sql import Select, column, table
from courses.error_codes import CoursesErrorCode
from courses.models import Course, CourseStatus, Exercise, ExerciseOption, Lesson, Section, Unit

LESSON_ORDER = ("unit__section__position", "unit__position", "position")


def course_list_published() -> QuerySet[Course]:
    """Published courses with their languages, in a stable order for pagination."""
    return (
        Course.objects.published()
        .select_related("learning_language", "from_language")
        .order_by("title", "pk")
    )


@dataclass(frozen=True, eq=False)  # compared and hashed as the one object it is
class CourseTree:
    """What `GET courses/{slug}/` shows of a course, the same for every caller: shared between
    requests and threads (`course_tree_get`), so nothing in it is ever changed."""

    course: Course  # with its two languages
    # Sections → units → lessons as the API renders them (CourseTreeOutputSerializer's shape),
    # the lessons without their status, which depends on the caller.
    sections: tuple[dict, ...]
    lesson_ids: tuple[int, ...]  # in course order
    prerequisites: Mapping[int, frozenset[int]]  # lesson id → the lessons it waits for


@cache
def _revision_select() -> Select:
    return Select(
        f"SELECT {column(Course, 'id', alias='c')}, {column(Course, 'content_revision', alias='c')}"
        f" FROM {table(Course)} c WHERE {column(Course, 'slug', alias='c')} = %s"
        f" AND {column(Course, 'status', alias='c')} = %s",
        [Course._meta.get_field("id"), Course._meta.get_field("content_revision")],
    )


def course_tree_get(*, slug: str) -> CourseTree:
    """A published course's tree: one small query for the course's content revision, and the
    tree read (four queries) only when this process holds none for that revision.

    For a course of 300 lessons, reading the tree was most of the request's time; it changes
    only when an editor changes the course, and every such change gives the course a new
    revision (`courses.signals`), so the tree kept for the revision read in this request is the
    one in the database. A draft or archived course is the same 404 as one that does not exist:
    learners must not learn that it is there."""
    row = _revision_select().one([slug, CourseStatus.PUBLISHED.value])
    if row is None:
        raise NotFound("No published course has this slug.", code=CoursesErrorCode.COURSE_NOT_FOUND)
    return _course_tree_read(*row)


def course_tree_at(*, course_id: int, revision) -> CourseTree:
    """The tree of the course at `revision`, as `course_tree_get` gives it, for a caller that
    read the published course's id and revision itself (in a statement of its own that reads
    more: `progress.selectors.path_progress_get`)."""
    return _course_tree_read(course_id, revision)


def course_trees_forget() -> None:
    """Let go of every tree this process keeps: for tests, and for a shell that changed content
    with raw SQL, which gives no course a new revision."""
    _course_tree_read.cache_clear()


# Per process, a few courses at a time: a process serves the courses its learners take, and a
# tree of 300 lessons is some 100 kB. Keyed by revision, so an edited course's old tree is never
# served again, only pushed out.
@lru_cache(maxsize=32)
def _course_tree_read(course_id: int, revision) -> CourseTree:
    course = Course.objects.select_related("learning_language", "from_language").get(pk=course_id)
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
        unit["lessons"] = tuple(lessons_of.get(unit["id"], ()))
        units_of[unit.pop("section_id")].append(unit)
    for section in sections:
        section["units"] = tuple(units_of.get(section["id"], ()))
    waits_for: dict[int, set[int]] = defaultdict(set)
    through = Lesson.prerequisites.through.objects.filter(from_lesson__course_id=course_id)
    for lesson_id, prerequisite_id in through.values_list("from_lesson_id", "to_lesson_id"):
        waits_for[lesson_id].add(prerequisite_id)
    return CourseTree(
        course=course,
        sections=tuple(sections),
        lesson_ids=tuple(
            lesson["id"]
            for section in sections
            for unit in section["units"]
            for lesson in unit["lessons"]
        ),
        prerequisites={lesson: frozenset(needed) for lesson, needed in waits_for.items()},
    )


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
