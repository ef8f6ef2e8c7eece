"""Writes to course content, and the checks that decide whether content may reach learners.

`course_publish` refuses a course while anything in it would break a learner's lesson, and says
where: "Section 1 › Unit 2 › Lesson 'food-1' › exercise 3: multiple_choice needs exactly one
correct option". The same checks serve the admin's forms (`lesson_prerequisites_problems`,
`requirements_cycle_find`, `exercise_spec_build`) and the course-pack importer
(`prerequisites_cycle_find`).
What a lesson waits for — its prerequisites, or without any the lesson before it — is one rule
(`_requirement_edges`), used by the publish check and the forms alike.
"""

# ruff: noqa: RUF001, RUF002 - places are joined with the angle quote editors read.

import uuid
from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from django.db import transaction
from django.db.models import F, Model, Q
from django.utils import timezone

from config.api.errors import ApplicationError
from courses.error_codes import CoursesErrorCode
from courses.models import Course, CourseStatus, Exercise, Lesson, Section, Unit
from courses.selectors import course_content_get
from exercises.problems import Problem
from exercises.rules import ExerciseSpec, exercise_problems

__all__ = [
    "PLACE_SEPARATOR",
    "ContentProblem",
    "CourseNotPublishable",
    "LessonChange",
    "course_problems",
    "course_publish",
    "course_unpublish",
    "exercise_spec_build",
    "lesson_prerequisites_problems",
    "prerequisites_cycle_find",
    "requirements_cycle_find",
]


# --- Pure checks ---------------------------------------------------------------------------


def prerequisites_cycle_find(edges: Mapping[str, Iterable[str]]) -> list[str] | None:
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


def exercise_spec_build(
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


# --- What each lesson waits for ------------------------------------------------------------

IMPLICIT_NOTE = " (a lesson without prerequisites waits for the lesson before it)"


def _requirement_edges(
    ordered: Iterable[tuple[Hashable, Sequence[Hashable]]],
) -> tuple[dict[Hashable, list[Hashable]], set[tuple[Hashable, Hashable]]]:
    """What each lesson waits for: its prerequisites, or without any the lesson before it.

    `ordered` holds each lesson (any key) with the keys of its prerequisites, in course order.
    Prerequisites outside `ordered` (another course) or the lesson itself lead nowhere. Returns
    the edges and, of them, the implicit ones (a lesson to the lesson before it). This is the
    one rule `progress` unlocks by, shared by the publish check and the admin's forms.
    """
    ordered = list(ordered)
    known = {key for key, _ in ordered}
    edges: dict[Hashable, list[Hashable]] = {}
    implicit: set[tuple[Hashable, Hashable]] = set()
    previous: list[Hashable] = []  # the lesson before, once there is one
    for key, requires in ordered:
        if requires:
            edges[key] = [target for target in requires if target in known and target != key]
        else:
            edges[key] = list(previous)
            implicit.update((key, target) for target in previous)
        previous = [key]
    return edges, implicit


def _cycle_text(cycle: Sequence[Hashable], names: Mapping, implicit: set[tuple]) -> str:
    """'a → b → a', noting when a step is the implicit wait for the lesson before."""
    note = IMPLICIT_NOTE if any(step in implicit for step in pairwise(cycle)) else ""
    return " → ".join(names[key] for key in cycle) + note


def _path(edges: Mapping[Hashable, Sequence[Hashable]], start, goal) -> list | None:
    """The shortest path from `start` to `goal` along `edges`, in edge order; None if none."""
    came_from: dict = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while came_from[path[-1]] is not None:
                path.append(came_from[path[-1]])
            return path[::-1]
        for target in edges.get(node, ()):
            if target not in came_from:
                came_from[target] = node
                queue.append(target)
    return None


@dataclass(frozen=True, slots=True)
class LessonChange:
    """A lesson as a form is about to save it, for `requirements_cycle_find`.

    `lesson_id` is None for a new lesson; `unit_id` None is the new unit given in `units`.
    `prerequisite_ids` None keeps the saved prerequisites.
    """

    lesson_id: int | None
    slug: str
    unit_id: int | None
    position: int
    prerequisite_ids: Sequence[int] | None = None
    deleted: bool = False


@dataclass(slots=True)
class _CourseOrder:
    """Where the lessons of a course stand and what they require, as plain data."""

    sections: dict[int, int]  # section id → position
    units: dict[int | None, tuple[int, int]]  # unit id → (section id, position)
    lessons: dict[Hashable, tuple[str, int | None, int]]  # lesson → (slug, unit id, position)
    requires: dict[Hashable, list[Hashable]]  # lesson → its prerequisites, saved order

    @classmethod
    def saved(cls, course_id: int) -> "_CourseOrder":
        """The course as the database holds it, in four queries."""
        units = Unit.objects.filter(section__course_id=course_id)
        lessons = Lesson.objects.filter(course_id=course_id)
        through = Lesson.prerequisites.through.objects.filter(from_lesson__course_id=course_id)
        requires: dict[Hashable, list[Hashable]] = defaultdict(list)
        for source, target in through.order_by("pk").values_list("from_lesson_id", "to_lesson_id"):
            requires[source].append(target)
        return cls(
            sections=dict(
                Section.objects.filter(course_id=course_id).values_list("id", "position")
            ),
            units={
                unit_id: (section_id, position)
                for unit_id, section_id, position in units.values_list(
                    "id", "section_id", "position"
                )
            },
            lessons={
                lesson_id: (slug, unit_id, position)
                for lesson_id, slug, unit_id, position in lessons.values_list(
                    "id", "slug", "unit_id", "position"
                )
            },
            requires=dict(requires),
        )

    def changed(
        self,
        lessons: Iterable[LessonChange],
        units: Mapping[int | None, tuple[int, int] | None],
        sections: Mapping[int, int | None],
    ) -> "_CourseOrder":
        """A copy with the changes made (None deletes a unit or section, with its lessons)."""
        order = _CourseOrder(
            sections={**self.sections, **sections},
            units={**self.units, **units},
            lessons=dict(self.lessons),
            requires={key: list(targets) for key, targets in self.requires.items()},
        )
        for number, change in enumerate(lessons):
            key = change.lesson_id if change.lesson_id is not None else ("new", number)
            if change.deleted:
                order.lessons.pop(key, None)
                continue
            order.lessons[key] = (change.slug, change.unit_id, change.position)
            if change.prerequisite_ids is not None:
                order.requires[key] = list(change.prerequisite_ids)
        # Deleting a lesson deletes the prerequisites that name it.
        kept = {key for key, _ in order.steps()}
        order.requires = {
            key: [target for target in targets if target in kept or target not in self.lessons]
            for key, targets in order.requires.items()
        }
        return order

    def steps(self) -> list[tuple[Hashable, list[Hashable]]]:
        """Each lesson with its prerequisites, in course order (see `_requirement_edges`)."""
        ranked = []
        for number, (key, (_slug, unit_id, position)) in enumerate(self.lessons.items()):
            unit = self.units.get(unit_id)
            section_position = self.sections.get(unit[0]) if unit is not None else None
            if section_position is None:
                continue  # its unit or section is being deleted, and the lesson with it
            ranked.append(((section_position, unit[1], position, number), key))
        return [(key, self.requires.get(key, [])) for _rank, key in sorted(ranked)]


def requirements_cycle_find(
    *,
    course_id: int,
    lessons: Iterable[LessonChange] = (),
    units: Mapping[int | None, tuple[int, int] | None] | None = None,
    sections: Mapping[int, int | None] | None = None,
) -> str | None:
    """The cycle that saving these changes would make in what the lessons wait for, as text.

    The course as saved, with `lessons` changed, added or deleted, `units` moved (unit id →
    (section id, position), or None when deleted; key None for a new unit) and `sections`
    moved (section id → position, or None when deleted), is judged by the publish check's rule
    (`_requirement_edges`). A cycle counts when it passes through a requirement the change
    adds, or through a lesson given prerequisites here; one the change neither makes nor
    touches is left to the publish check. None when there is none. Four queries.
    """
    lessons = list(lessons)
    saved = _CourseOrder.saved(course_id)
    after = saved.changed(lessons, units or {}, sections or {})
    before_edges, _ = _requirement_edges(saved.steps())
    after_edges, implicit = _requirement_edges(after.steps())
    chosen = {
        change.lesson_id if change.lesson_id is not None else ("new", number)
        for number, change in enumerate(lessons)
        if change.prerequisite_ids and not change.deleted
    }
    names = {key: slug for key, (slug, _unit, _position) in after.lessons.items()}
    for source, targets in after_edges.items():
        for target in targets:
            if source in chosen or target not in before_edges.get(source, ()):
                path = _path(after_edges, target, source)
                if path is not None:
                    return _cycle_text([source, *path], names, implicit)
    return None


def lesson_prerequisites_problems(*, lesson: Lesson, prerequisites: Iterable[Lesson]) -> list[str]:
    """Why `lesson` may not require `prerequisites`, as sentences; empty when it may.

    `lesson` may be unsaved or carry unsaved changes (the admin's form): its `course_id`, `slug`,
    `unit_id`, `position` and `pk` are what count. Prerequisites stay in the lesson's course,
    and with them what the lessons wait for (`requirements_cycle_find`) forms no cycle.
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
    if problems or lesson.unit_id is None or lesson.position is None:
        return problems
    change = LessonChange(
        lesson_id=lesson.pk,
        slug=lesson.slug,
        unit_id=lesson.unit_id,
        position=lesson.position,
        prerequisite_ids=[prerequisite.pk for prerequisite in chosen],
    )
    cycle = requirements_cycle_find(course_id=lesson.course_id, lessons=[change])
    if cycle:
        return [f"These prerequisites make a cycle: {cycle}."]
    return []


# --- The publish check ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContentProblem:
    """Something that keeps a course from learners, and where it is.

    `target` is the model instance to fix (course, lesson or exercise), for links in the admin;
    `field` is the field of `target` to fix, when one is; `rule` is the exercise rule's own
    problem when an exercise breaks one (its parameters let the admin word it otherwise).
    """

    place: str
    message: str
    target: Model | None = None
    code: str = ""
    field: str | None = None
    rule: Problem | None = None

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
        problems.append(
            ContentProblem("", "The course has no lessons.", course, code="course_empty")
        )
        return problems
    problems += _reachability_problems(ordered)
    return problems


def _lesson_problems(place: str, lesson: Lesson, course: Course) -> list[ContentProblem]:
    problems = []
    exercises = lesson.exercises.all()
    if not exercises:
        problems.append(
            ContentProblem(place, "the lesson has no exercises", lesson, code="lesson_empty")
        )
    for number, exercise in enumerate(exercises, start=1):
        for rule in exercise_problems(exercise_spec_build(exercise)):
            problems.append(
                ContentProblem(
                    f"{place}{PLACE_SEPARATOR}exercise {number}",
                    rule.message,
                    exercise,
                    code=rule.code,
                    field=rule.field,
                    rule=rule,
                )
            )
    for prerequisite in lesson.prerequisites.all():
        if prerequisite.pk == lesson.pk:
            problems.append(
                ContentProblem(
                    place,
                    "the lesson requires itself",
                    lesson,
                    code="prerequisite_itself",
                    field="prerequisites",
                )
            )
        elif prerequisite.course_id != course.pk:
            problems.append(
                ContentProblem(
                    place,
                    f"its prerequisite '{prerequisite.slug}' is in another course",
                    lesson,
                    code="prerequisite_elsewhere",
                    field="prerequisites",
                )
            )
    return problems


def _reachability_problems(ordered: list[tuple[str, Lesson]]) -> list[ContentProblem]:
    """Cycles in what each lesson waits for, each reported once at the lesson that starts it."""
    by_pk = {lesson.pk: (place, lesson) for place, lesson in ordered}
    edges, implicit = _requirement_edges(
        (lesson.pk, [p.pk for p in lesson.prerequisites.all()]) for _, lesson in ordered
    )
    names = {pk: lesson.slug for pk, (_, lesson) in by_pk.items()}
    problems = []
    # Each pass reports one cycle and cuts it, so independent cycles are all reported.
    for _ in range(len(edges)):
        cycle = prerequisites_cycle_find(edges)
        if cycle is None:
            break
        place, lesson = by_pk[cycle[0]]
        message = "no learner can reach it: its requirements form a cycle "
        problems.append(
            ContentProblem(
                place,
                message + _cycle_text(cycle, names, implicit),
                lesson,
                code="requirements_cycle",
                field="prerequisites",
            )
        )
        first, second = cycle[0], cycle[1]
        edges[first] = [key for key in edges[first] if key != second]
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


def courses_revise(*conditions: Q, **lookups) -> None:
    """A new content revision for the courses matching the filter (`Course.content_revision`):
    what `GET courses/{slug}/` shows of them changed. `courses.signals` calls it on each write."""
    Course.objects.filter(*conditions, **lookups).update(content_revision=uuid.uuid4())


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
        content_revision=uuid.uuid4(),  # the version is shown with the tree
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
