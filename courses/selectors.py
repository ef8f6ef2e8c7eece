"""Reads of course content: what learners may see, and whole trees for checks and previews.

Each selector fetches a tree in a fixed number of queries (one per level), whatever its size.
"""

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


def _path_prefetch() -> Prefetch:
    lessons = Lesson.objects.order_by("position").only(
        "id", "unit_id", "course_id", "position", "slug", "title", "xp_reward", "pass_score"
    )
    units = Unit.objects.order_by("position").prefetch_related(Prefetch("lessons", lessons))
    sections = Section.objects.order_by("position").prefetch_related(Prefetch("units", units))
    return Prefetch("sections", sections)


def course_tree_get(*, slug: str) -> Course:
    """A published course with sections → units → lessons, in four queries.

    A draft or archived course is the same 404 as one that does not exist: learners must not
    learn that it is there.
    """
    course = (
        Course.objects.published()
        .select_related("learning_language", "from_language")
        .prefetch_related(_path_prefetch())
        .filter(slug=slug)
        .first()
    )
    if course is None:
        raise NotFound("No published course has this slug.", code=CoursesErrorCode.COURSE_NOT_FOUND)
    return course


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
