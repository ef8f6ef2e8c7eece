"""Writes to course content, and the checks that decide whether content may reach learners.

`course_publish` refuses a course while anything in it would break a learner's lesson, and says
where: "Section 1 › Unit 2 › Lesson 'food-1' › exercise 3: multiple_choice needs exactly one
correct option". The same checks serve the admin's forms (`lesson_prerequisites_problems`,
`exercise_spec`) and the course-pack importer (`prerequisites_find_cycle`).
"""

# ruff: noqa: RUF001, RUF002 - places are joined with the angle quote editors read.

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone

from config.api.errors import ApplicationError
from courses.error_codes import CoursesErrorCode
from courses.models import Course, CourseStatus, Exercise, Lesson
from courses.selectors import course_content_get
from exercises.rules import ExerciseSpec, exercise_problems

__all__ = [
    "PLACE_SEPARATOR",
    "ContentProblem",
    "CourseNotPublishable",
    "course_problems",
    "course_publish",
    "course_unpublish",
    "exercise_spec",
    "lesson_prerequisites_problems",
    "prerequisites_find_cycle",
]


# --- Pure checks ---------------------------------------------------------------------------


def prerequisites_find_cycle(edges: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A cycle of the "requires" graph as [a, b, ..., a], or None when there is none.

    `edges` maps a lesson slug to the slugs it requires; slugs that appear only as targets are
    lessons without requirements. Deterministic: it follows the order of `edges` and of each
    lesson's requirements, so the same data always reports the same cycle.
    """
    done: set[str] = set()
    for root in edges:
        if root in done:
            continue
        # Iterative depth-first search: a 300-lesson chain must not hit the recursion limit.
        trail: list[str] = [root]
        on_trail: dict[str, int] = {root: 0}
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(edges.get(root, ())))]
        while stack:
            node, targets = stack[-1]
            target = next(targets, None)
            if target is None:
                stack.pop()
                trail.pop()
                del on_trail[node]
                done.add(node)
            elif target in on_trail:
                return [*trail[on_trail[target] :], target]
            elif target not in done:
                on_trail[target] = len(trail)
                trail.append(target)
                stack.append((target, iter(edges.get(target, ()))))
    return None


def exercise_spec(
    exercise: Exercise, *, options: Iterable[tuple[str, bool]] | None = None
) -> ExerciseSpec:
    """The plain data `exercises.rules` judges, from an exercise and its options.

    Pass `options` as (text, correct) pairs when they are not saved yet (a form being edited);
    otherwise they are read from `exercise.options` (prefetch them for many exercises).
    """
    if options is None:
        options = [(option.text, option.is_correct) for option in exercise.options.all()]
    return ExerciseSpec(
        type=exercise.type,
        prompt=exercise.prompt or "",
        answers=_sequence(exercise.answers),
        tiles=_sequence(exercise.tiles),
        pairs=_sequence(exercise.pairs),
        options=tuple(options),
        has_audio=bool(exercise.audio),
    )


def _sequence(value) -> tuple:
    # JSON columns may hold anything; a non-list is "no items" to the rules, never a crash.
    return tuple(value) if isinstance(value, list) else ()


# --- Lesson prerequisites ------------------------------------------------------------------


def lesson_prerequisites_problems(*, lesson: Lesson, prerequisites: Iterable[Lesson]) -> list[str]:
    """Why `lesson` may not require `prerequisites`, as sentences; empty when it may.

    `lesson` may be unsaved or carry unsaved changes (the admin's form): its `course_id`, `slug`
    and `pk` are what count. Prerequisites stay in the lesson's course and form no cycle with the
    requirements already saved for the course's other lessons.
    """
    chosen = list(prerequisites)
    problems = []
    for prerequisite in chosen:
        if lesson.pk is not None and prerequisite.pk == lesson.pk:
            problems.append("A lesson cannot require itself.")
        elif prerequisite.course_id != lesson.course_id:
            problems.append(
                f"'{prerequisite.slug}' is in another course; prerequisites stay in the course."
            )
    if problems or not chosen:
        return problems

    slugs = dict(Lesson.objects.filter(course_id=lesson.course_id).values_list("id", "slug"))
    if lesson.pk is not None:
        slugs[lesson.pk] = lesson.slug
    # The lesson first, so a cycle is reported starting from the lesson being edited.
    edges: dict[str, list[str]] = defaultdict(list)
    edges[lesson.slug] = [prerequisite.slug for prerequisite in chosen]
    saved = Lesson.prerequisites.through.objects.filter(from_lesson__course_id=lesson.course_id)
    if lesson.pk is not None:
        saved = saved.exclude(from_lesson_id=lesson.pk)
    for source, target in saved.order_by("pk").values_list("from_lesson_id", "to_lesson_id"):
        if source in slugs and target in slugs:
            edges[slugs[source]].append(slugs[target])
    cycle = prerequisites_find_cycle(edges)
    if cycle:
        return [f"These prerequisites make a cycle: {' → '.join(cycle)}."]
    return []


# --- The publish check ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContentProblem:
    """Something that keeps a course from learners, and where it is.

    `target` is the model instance to fix (course, lesson or exercise), for links in the admin.
    """

    place: str
    message: str
    target: Model | None = None

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


class CourseNotPublishable(ApplicationError):
    default_code = CoursesErrorCode.COURSE_NOT_PUBLISHABLE

    def __init__(self, problems: Sequence[ContentProblem]):
        self.problems = list(problems)
        super().__init__(
            f"The course cannot be published: {len(self.problems)} problem(s) block it.",
            fields={"problems": [str(problem) for problem in self.problems]},
        )


PLACE_SEPARATOR = " › "


def _lesson_place(section_number: int, unit_number: int, lesson: Lesson) -> str:
    return PLACE_SEPARATOR.join(
        (f"Section {section_number}", f"Unit {unit_number}", f"Lesson '{lesson.slug}'")
    )


def course_problems(*, course: Course) -> list[ContentProblem]:
    """Everything that keeps `course` from being published, in course order; empty when none.

    The course needs a lesson; every lesson needs exercises, each passing `exercise_problems`
    with its options; prerequisites stay in the course; and every lesson can be reached: the
    requirements — a lesson's prerequisites, or without any the lesson before it — form no cycle.
    Reads the whole tree in a fixed number of queries.
    """
    tree = course_content_get(course_id=course.pk)
    problems: list[ContentProblem] = []
    ordered: list[tuple[str, Lesson]] = []
    for section_number, section in enumerate(tree.sections.all(), start=1):
        for unit_number, unit in enumerate(section.units.all(), start=1):
            for lesson in unit.lessons.all():
                place = _lesson_place(section_number, unit_number, lesson)
                ordered.append((place, lesson))
                problems += _lesson_problems(place, lesson, course)
    if not ordered:
        problems.append(ContentProblem("", "The course has no lessons.", course))
        return problems
    problems += _reachability_problems(ordered)
    return problems


def _lesson_problems(place: str, lesson: Lesson, course: Course) -> list[ContentProblem]:
    problems = []
    exercises = lesson.exercises.all()
    if not exercises:
        problems.append(ContentProblem(place, "the lesson has no exercises", lesson))
    for number, exercise in enumerate(exercises, start=1):
        for message in exercise_problems(exercise_spec(exercise)):
            problems.append(
                ContentProblem(f"{place}{PLACE_SEPARATOR}exercise {number}", message, exercise)
            )
    for prerequisite in lesson.prerequisites.all():
        if prerequisite.pk == lesson.pk:
            problems.append(ContentProblem(place, "the lesson requires itself", lesson))
        elif prerequisite.course_id != course.pk:
            problems.append(
                ContentProblem(
                    place,
                    f"its prerequisite '{prerequisite.slug}' is in another course",
                    lesson,
                )
            )
    return problems


def _reachability_problems(ordered: list[tuple[str, Lesson]]) -> list[ContentProblem]:
    """Cycles in what each lesson waits for, each reported once at the lesson that starts it."""
    by_slug = {lesson.slug: (place, lesson) for place, lesson in ordered}
    edges: dict[str, list[str]] = {}
    implicit: set[tuple[str, str]] = set()
    previous: str | None = None
    for _, lesson in ordered:
        required = [p.slug for p in lesson.prerequisites.all() if p.slug in by_slug]
        required = [slug for slug in required if slug != lesson.slug]
        if lesson.prerequisites.all():
            edges[lesson.slug] = required
        else:
            edges[lesson.slug] = [previous] if previous else []
            if previous:
                implicit.add((lesson.slug, previous))
        previous = lesson.slug

    problems = []
    # Each pass reports one cycle and cuts it, so independent cycles are all reported.
    for _ in range(len(edges)):
        cycle = prerequisites_find_cycle(edges)
        if cycle is None:
            break
        steps = list(pairwise(cycle))
        note = (
            " (a lesson without prerequisites waits for the lesson before it)"
            if any(step in implicit for step in steps)
            else ""
        )
        place, lesson = by_slug[cycle[0]]
        message = f"no learner can reach it: its requirements form a cycle {' → '.join(cycle)}"
        problems.append(ContentProblem(place, message + note, lesson))
        first, second = steps[0]
        edges[first] = [slug for slug in edges[first] if slug != second]
    return problems


# --- Publishing ----------------------------------------------------------------------------


def _record_history(instance: Model, *, by, reason: str) -> None:
    """A history row for a change made with `update()`, which bypasses the model's signals."""
    history_model = type(instance).history.model
    fields = history_model.tracked_fields
    history_model.objects.create(
        history_date=timezone.now(),
        history_type="~",
        history_user=by if by is not None and by.is_authenticated else None,
        history_change_reason=reason,
        **{field.attname: getattr(instance, field.attname) for field in fields},
    )


@transaction.atomic
def course_publish(*, course: Course, by) -> Course:
    """Publish `course` as a new version, or raise `CourseNotPublishable` listing every problem.

    The row is locked while the content is checked, so two editors publishing at once get two
    versions in turn; the version grows in the database (F()), never from a stale copy. `course`
    is refreshed in place and returned. `by` (a user, or None for the shell) is recorded in the
    course's history.
    """
    Course.objects.select_for_update().only("pk").get(pk=course.pk)
    problems = course_problems(course=course)
    if problems:
        raise CourseNotPublishable(problems)
    now = timezone.now()
    Course.objects.filter(pk=course.pk).update(
        status=CourseStatus.PUBLISHED,
        version=F("version") + 1,
        published_at=now,
        updated_at=now,
    )
    course.refresh_from_db()
    _record_history(course, by=by, reason=f"Published version {course.version}")
    return course


@transaction.atomic
def course_unpublish(*, course: Course, by) -> Course:
    """Take `course` back to draft: learners no longer see it. Its version stays."""
    course.status = CourseStatus.DRAFT
    if by is not None:
        course._history_user = by
    course._change_reason = "Unpublished"
    course.save(update_fields=["status", "updated_at"])
    return course
