"""Reads of a learner's progress: the path's lesson statuses, a session, what comes next.

A lesson is `completed` once the learner has passed it, `available` when it is the course's first
lesson or what unlocks it is completed (its prerequisites, or without any the lesson before it in
course order: section, unit, lesson position), and `locked` otherwise.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from config.api.errors import NotFound
from config.sql import BIGINT_MAX, Select, column, fields_in_order, instance_from_row, table
from config.timeutils import iso
from config.transactions import asynchronous_commit_column
from courses.error_codes import CoursesErrorCode
from courses.models import Course, CourseStatus, Exercise, Lesson
from gamification.models import Hearts
from gamification.selectors import hearts_get
from progress.error_codes import ProgressErrorCode
from progress.models import Enrollment, LessonProgress, LessonSession, SessionAnswer

COURSE_ORDER = ("unit__section__position", "unit__position", "position")


class LessonStatus(StrEnum):
    LOCKED = "locked"
    AVAILABLE = "available"
    COMPLETED = "completed"


def _completed_ids(user, lesson_filter: Q) -> set[int]:
    if user is None or not user.is_authenticated:
        return set()
    return set(
        LessonProgress.objects.filter(lesson_filter, user=user).values_list("lesson_id", flat=True)
    )


@cache
def _path_select() -> Select:
    """A published course's id and content revision by its slug (one row, the third column
    NULL), and a learner's completed lessons of that course (a row each, the first two NULL).
    Parameters: the slug and the published status, the user, the slug and the status again.

    The two reads of `GET courses/{slug}/` in one round trip. The progress rows are found by the
    user, then each lesson by its key, with the course id read once (an InitPlan), so the cost
    follows what the learner did, not the size of the course."""
    published = (
        f" FROM {table(Course)} c WHERE {column(Course, 'slug', alias='c')} = %s"
        f" AND {column(Course, 'status', alias='c')} = %s"
    )
    return Select(
        f"SELECT {column(Course, 'id', alias='c')},"
        f" {column(Course, 'content_revision', alias='c')}, NULL{published}"
        f" UNION ALL SELECT NULL, NULL, {column(LessonProgress, 'lesson', alias='p')}"
        f" FROM {table(LessonProgress)} p INNER JOIN {table(Lesson)} l"
        f" ON {column(Lesson, 'id', alias='l')} = {column(LessonProgress, 'lesson', alias='p')}"
        f" WHERE {column(LessonProgress, 'user', alias='p')} = %s"
        f" AND {column(Lesson, 'course', alias='l')}"
        f" = (SELECT {column(Course, 'id', alias='c')}{published})",
        [
            Course._meta.get_field("id"),
            Course._meta.get_field("content_revision"),
            LessonProgress._meta.get_field("lesson"),
        ],
    )


@dataclass(frozen=True)
class PathProgress:
    course_id: int
    revision: Any  # the course's content_revision, the key of its kept tree
    completed: frozenset[int]  # the caller's completed lessons of the course


def path_progress_get(*, user, slug: str) -> PathProgress:
    """The published course `slug`'s id and content revision, and what `user` (anonymous:
    nothing) completed of it, in one query; 404 when no published course has the slug."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    status = CourseStatus.PUBLISHED.value
    course_id = revision = None
    completed = set()
    for row_course_id, row_revision, lesson_id in _path_select().all(
        [slug, status, user_id, slug, status]
    ):
        if row_course_id is not None:
            course_id, revision = row_course_id, row_revision
        else:
            completed.add(lesson_id)
    if course_id is None:
        raise NotFound("No published course has this slug.", code=CoursesErrorCode.COURSE_NOT_FOUND)
    return PathProgress(course_id=course_id, revision=revision, completed=frozenset(completed))


def lesson_statuses_for(
    *,
    user,
    course: Course,
    ordered_lesson_ids: Sequence[int] | None = None,
    prerequisites: Mapping[int, AbstractSet[int]] | None = None,
    completed_in_course: AbstractSet[int] | None = None,
) -> dict[int, str]:
    """Every lesson of the course → its status for `user` (anonymous: nothing completed).

    Three queries whatever the size of the course: the lessons in order, their prerequisites and
    the learner's completed lessons; only the last when the caller holds the course's tree
    (`ordered_lesson_ids` and `prerequisites`, as `courses.selectors.course_tree_get` gives),
    and none when it also read the learner's completed lessons of the course
    (`completed_in_course`) and no lesson waits for one of another course.
    """
    if ordered_lesson_ids is None:
        ordered_lesson_ids = Lesson.objects.filter(course=course).order_by(*COURSE_ORDER)
        ordered_lesson_ids = ordered_lesson_ids.values_list("id", flat=True)
    ordered = list(ordered_lesson_ids)
    if not ordered:
        return {}
    if prerequisites is None:
        waits_for: dict[int, set[int]] = defaultdict(set)
        through = Lesson.prerequisites.through.objects.filter(from_lesson__course=course)
        for lesson_id, prerequisite_id in through.values_list("from_lesson_id", "to_lesson_id"):
            waits_for[lesson_id].add(prerequisite_id)
        prerequisites = waits_for
    # A prerequisite may sit in another course (a follow-up course needing the basics).
    outside = {p for ps in prerequisites.values() for p in ps}.difference(ordered)
    if outside:
        completed = _completed_ids(user, Q(lesson__course=course) | Q(lesson_id__in=outside))
    elif completed_in_course is not None:
        completed = completed_in_course
    else:
        completed = _completed_ids(user, Q(lesson__course=course))

    # Plain strings and no set per lesson: this loop runs over every lesson of the path on
    # every visit.
    done, available, locked = (
        LessonStatus.COMPLETED.value,
        LessonStatus.AVAILABLE.value,
        LessonStatus.LOCKED.value,
    )
    statuses: dict[int, str] = {}
    previous: int | None = None
    for lesson_id in ordered:
        if lesson_id in completed:
            statuses[lesson_id] = done
        else:
            needed = prerequisites.get(lesson_id)
            # Without prerequisites, the lesson before (none: the course's first lesson).
            unlocked = needed <= completed if needed else previous is None or previous in completed
            statuses[lesson_id] = available if unlocked else locked
        previous = lesson_id
    return statuses


def _before(lesson: Lesson) -> Q:
    section_position = lesson.unit.section.position
    unit_position = lesson.unit.position
    return (
        Q(unit__section__position__lt=section_position)
        | Q(unit__section__position=section_position, unit__position__lt=unit_position)
        | Q(unit_id=lesson.unit_id, position__lt=lesson.position)
    )


def _after(lesson: Lesson) -> Q:
    section_position = lesson.unit.section.position
    unit_position = lesson.unit.position
    return (
        Q(unit__section__position__gt=section_position)
        | Q(unit__section__position=section_position, unit__position__gt=unit_position)
        | Q(unit_id=lesson.unit_id, position__gt=lesson.position)
    )


def lesson_previous(*, lesson: Lesson) -> Lesson | None:
    """The lesson before this one in course order; `lesson` needs its unit and section loaded."""
    before = Lesson.objects.filter(_before(lesson), course_id=lesson.course_id)
    return before.order_by(*(f"-{field}" for field in COURSE_ORDER)).first()


def lesson_next(*, lesson: Lesson) -> Lesson | None:
    """The lesson after this one in course order; `lesson` needs its unit and section loaded."""
    after = Lesson.objects.filter(_after(lesson), course_id=lesson.course_id)
    return after.select_related("unit__section").order_by(*COURSE_ORDER).first()


def lesson_status_for(*, user, lesson: Lesson) -> str:
    """One lesson's status, in at most three queries; `lesson` needs its unit and section loaded."""
    needed = set(lesson.prerequisites.values_list("id", flat=True))
    if not needed:
        previous = lesson_previous(lesson=lesson)
        if previous is not None:
            needed = {previous.id}
    completed = _completed_ids(user, Q(lesson_id__in=needed | {lesson.id}))
    if lesson.id in completed:
        return LessonStatus.COMPLETED.value
    return (LessonStatus.AVAILABLE if needed <= completed else LessonStatus.LOCKED).value


def course_published_get(*, slug: str) -> Course:
    """A published course, or the same 404 as the course detail gives (drafts look absent)."""
    course = Course.objects.published().filter(slug=slug).first()
    if course is None:
        raise NotFound("No published course has this slug.", code=CoursesErrorCode.COURSE_NOT_FOUND)
    return course


def is_enrolled(*, user, course_id: int) -> bool:
    return Enrollment.objects.filter(user=user, course_id=course_id).exists()


_SESSION_LESSON_RELATED = (
    "course__learning_language",
    "course__from_language",
    "unit__section",
)


def lesson_for_session_get(*, lesson_id: int) -> Lesson:
    """A lesson of a published course, with what a session start needs, or 404."""
    lesson = (
        Lesson.objects.select_related(*_SESSION_LESSON_RELATED)
        .filter(id=lesson_id, course__status=CourseStatus.PUBLISHED)
        .first()
    )
    if lesson is None:
        raise NotFound("No such lesson.", code=ProgressErrorCode.LESSON_NOT_FOUND)
    return lesson


def lesson_session_get(*, user, session_id: int, for_update: bool = False) -> LessonSession:
    """The learner's own session (someone else's is 404, as if it did not exist), with its
    lesson's place in the course."""
    _session_id_check(session_id)
    sessions: QuerySet[LessonSession] = LessonSession.objects.filter(id=session_id, user=user)
    if for_update:
        # Lock the session alone: answers and completions of one session take turns.
        sessions = sessions.select_for_update(of=("self",))
    session = sessions.select_related("lesson__unit__section", "lesson__course").order_by().first()
    if session is None:
        raise NotFound("No such session.", code=ProgressErrorCode.SESSION_NOT_FOUND)
    return session


def lesson_session_lock_for_answer(
    *, user, session_id: int, commit_asynchronously: bool = False
) -> LessonSession:
    """The learner's own session, the row alone (an answer needs only its snapshot), locked:
    answers and completions of one session take turns. Someone else's is 404.

    With `commit_asynchronously`, for a transaction the caller opened and of which this is the
    first statement, the same statement also makes the transaction's commit not wait for the
    disk (config.transactions): an answer starts with this read, so the setting costs no round
    trip of its own."""
    _session_id_check(session_id)
    row = _answer_session_select(commit_asynchronously).one([session_id, user.pk])
    if row is None:
        raise NotFound("No such session.", code=ProgressErrorCode.SESSION_NOT_FOUND)
    return instance_from_row(LessonSession, row[: len(LessonSession._meta.concrete_fields)])


def _session_id_check(session_id: int) -> None:
    if not 0 < session_id <= BIGINT_MAX:  # no such row, and SQLite's driver would overflow
        raise NotFound("No such session.", code=ProgressErrorCode.SESSION_NOT_FOUND)


@cache
def _answer_session_select(commit_asynchronously: bool) -> Select:
    """A learner's session by id, the row alone, locked, and with `commit_asynchronously` the
    setting's column after the session's fields (none on SQLite); written out, as every answer
    reads it."""
    fields = LessonSession._meta.concrete_fields
    columns = [column(LessonSession, field.name, alias="s") for field in fields]
    setting = asynchronous_commit_column() if commit_asynchronously else None
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return Select(
        f"SELECT {', '.join(columns + ([setting] if setting else []))}"
        f" FROM {table(LessonSession)} s WHERE {column(LessonSession, 'id', alias='s')} = %s"
        f" AND {column(LessonSession, 'user', alias='s')} = %s{lock}",
        [*fields, *([None] if setting else [])],
    )


_ANSWER_VERDICT_FIELDS = fields_in_order(SessionAnswer, ["id", "correct", "solution"])
_HEARTS_FIELDS = tuple(field.name for field in Hearts._meta.concrete_fields)


@cache
def _answers_and_hearts_select() -> Select:
    """The answers to one exercise of a session, then the learner's hearts row, in one
    statement (an answer needs both): an answer's row has the first columns, the hearts' row
    the last. Parameters: the session, the exercise, the learner."""
    answer, verdict, hearts = SessionAnswer, _ANSWER_VERDICT_FIELDS, _HEARTS_FIELDS
    nulls = ", ".join(["NULL"] * len(hearts))
    return Select(
        f"SELECT {', '.join(column(answer, name, alias='a') for name in verdict)}, {nulls}"
        f" FROM {table(answer)} a WHERE {column(answer, 'session', alias='a')} = %s"
        f" AND {column(answer, 'exercise_id', alias='a')} = %s"
        f" UNION ALL SELECT {', '.join(['NULL'] * len(verdict))},"
        f" {', '.join(column(Hearts, name, alias='h') for name in hearts)}"
        f" FROM {table(Hearts)} h WHERE {column(Hearts, 'user', alias='h')} = %s",
        [
            *(answer._meta.get_field(name) for name in verdict),
            *(Hearts._meta.get_field(name) for name in hearts),
        ],
    )


def session_answers_and_hearts(
    *, session_id: int, exercise_id: int, user_id: int
) -> tuple[list[SessionAnswer], Hearts | None]:
    """The answers given so far to one exercise of a session, each with its verdict and
    solution only (in no particular order), and the learner's hearts row (None before their
    first lost heart: `gamification.selectors.hearts_state` reads either)."""
    answers, hearts = [], None
    split = len(_ANSWER_VERDICT_FIELDS)
    for row in _answers_and_hearts_select().all([session_id, exercise_id, user_id]):
        if row[0] is not None:
            answers.append(instance_from_row(SessionAnswer, row[:split], _ANSWER_VERDICT_FIELDS))
        else:
            hearts = instance_from_row(Hearts, row[split:])
    return answers, hearts


def lesson_to_practise_get(*, user) -> Lesson | None:
    """The lesson a heart practice draws on (`POST practice/hearts/`), loaded as for a session
    start: the lesson of the learner's latest session, or else the lesson they completed last,
    among lessons of published courses that have exercises; None when they have met none."""
    practicable = Q(lesson__course__status=CourseStatus.PUBLISHED) & Q(
        Exists(Exercise.objects.filter(lesson_id=OuterRef("lesson_id")))
    )
    lesson_id = (
        LessonSession.objects.filter(practicable, user=user)
        .order_by("-started_at", "-id")
        .values_list("lesson_id", flat=True)
        .first()
    )
    if lesson_id is None:
        lesson_id = (
            LessonProgress.objects.filter(practicable, user=user)
            .order_by("-last_completed_at", "-id")
            .values_list("lesson_id", flat=True)
            .first()
        )
    if lesson_id is None:
        return None
    return Lesson.objects.select_related(*_SESSION_LESSON_RELATED).get(id=lesson_id)


@dataclass(frozen=True)
class SessionView:
    """A session as `GET sessions/{id}/` shows it: the exercises as at the start, each with
    `answered` and, once answered, `correct` (answered right at least once)."""

    id: int
    lesson_id: int
    status: str
    practice: bool
    hearts: int
    exercises: list[dict]


def lesson_session_view_get(*, user, session_id: int, now: datetime | None = None) -> SessionView:
    """The learner's own session for a client to resume, in three queries whatever its size."""
    now = now or timezone.now()
    session = (
        LessonSession.objects.filter(id=session_id, user=user)
        .select_related("lesson__course__learning_language")
        .first()
    )
    if session is None:
        raise NotFound("No such session.", code=ProgressErrorCode.SESSION_NOT_FOUND)
    # Snapshots taken before exercises said their answer language: the rule's fallback.
    fallback_language = session.lesson.course.learning_language.code
    answered: dict[int, bool] = {}
    for exercise_id, correct in session.answers.values_list("exercise_id", "correct"):
        answered[exercise_id] = answered.get(exercise_id, False) or correct
    exercises = []
    for item in session.exercises:
        shown = {"answer_language": fallback_language, **item, "answered": item["id"] in answered}
        if item["id"] in answered:
            shown["correct"] = answered[item["id"]]
        exercises.append(shown)
    return SessionView(
        id=session.id,
        lesson_id=session.lesson_id,
        status=session.status,
        practice=session.practice,
        hearts=hearts_get(user=user, now=now).count,
        exercises=exercises,
    )


# --- Export ------------------------------------------------------------------------------------


def progress_export(*, user) -> dict:
    """Everything progress holds about the learner, as plain JSON values (for `me/export/`):
    enrolments, lesson progress, and a summary of each session (its answers included, since they
    are the learner's own words). Oldest first; every row cascades from the user on deletion.

    A practice run counts in `times_practised` of its lesson (and is a session marked
    `practice`), never in `times_completed`.
    """
    enrollments = Enrollment.objects.filter(user=user).select_related("course")
    progress = LessonProgress.objects.filter(user=user).select_related("lesson__course")
    sessions = (
        LessonSession.objects.filter(user=user)
        .select_related("lesson__course")
        .prefetch_related("answers")
        .order_by("started_at", "id")
    )
    return {
        "enrollments": [
            {"course": row.course.slug, "created_at": iso(row.created_at)}
            for row in enrollments.order_by("created_at", "id")
        ],
        "lesson_progress": [
            {
                "course": row.lesson.course.slug,
                "lesson": row.lesson.slug,
                "best_score": row.best_score,
                "times_completed": row.times_completed,
                "first_completed_at": iso(row.first_completed_at),
                "last_completed_at": iso(row.last_completed_at),
                "times_practised": row.times_practised,
                "last_practised_at": iso(row.last_practised_at),
            }
            for row in progress.order_by("first_completed_at", "id")
        ],
        "sessions": [
            {
                "id": session.id,
                "course": session.lesson.course.slug,
                "lesson": session.lesson.slug,
                "status": session.status,
                "practice": session.practice,
                "score": session.score,
                "xp_earned": session.xp_earned,
                "started_at": iso(session.started_at),
                "finished_at": iso(session.finished_at),
                "answers": [
                    {
                        "exercise": answer.exercise_id,
                        "answer": answer.answer,
                        "correct": answer.correct,
                        "created_at": iso(answer.created_at),
                    }
                    for answer in session.answers.all()
                ],
            }
            for session in sessions
        ],
    }


# --- Classrooms: what a class's learners did in one course, in a few queries ------------------


def lessons_first_completed(*, user_ids, lesson_ids) -> dict[tuple[int, int], datetime]:
    """(user, lesson) → when the learner first passed the lesson, for the pairs that exist."""
    rows = LessonProgress.objects.filter(user_id__in=user_ids, lesson_id__in=lesson_ids)
    return {
        (user_id, lesson_id): at
        for user_id, lesson_id, at in rows.values_list("user_id", "lesson_id", "first_completed_at")
    }


def lessons_completed_counts(*, user_ids, course_id: int) -> dict[int, int]:
    rows = (
        LessonProgress.objects.filter(user_id__in=user_ids, lesson__course_id=course_id)
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    return dict(rows)


def sessions_last_started(*, user_ids) -> dict[int, datetime]:
    rows = (
        LessonSession.objects.filter(user_id__in=user_ids)
        .values("user_id")
        .annotate(last=Max("started_at"))
        .values_list("user_id", "last")
    )
    return dict(rows)


def _course_answers(*, user_ids, course_id: int, since: datetime | None = None):
    answers = SessionAnswer.objects.filter(
        session__user_id__in=user_ids, session__lesson__course_id=course_id
    )
    if since is not None:
        answers = answers.filter(created_at__gte=since)
    return answers


def first_try_accuracy(
    *, user_ids, course_id: int, since: datetime | None = None
) -> dict[int, tuple[int, int]]:
    """Learner → (first tries right, first tries) on the course's exercises since `since`."""
    rows = (
        _course_answers(user_ids=user_ids, course_id=course_id, since=since)
        .filter(first_try=True)
        .values("session__user_id")
        .annotate(total=Count("id"), right=Count("id", filter=Q(correct=True)))
        .values_list("session__user_id", "right", "total")
    )
    return {user_id: (right, total) for user_id, right, total in rows}


def unit_accuracy(*, user_id: int, course_id: int) -> list[dict]:
    """The learner's first-try accuracy in each unit of the course, in course order."""
    return list(
        _course_answers(user_ids=[user_id], course_id=course_id)
        .filter(first_try=True)
        .values(
            unit_id=F("session__lesson__unit_id"),
            unit_title=F("session__lesson__unit__title"),
            section_position=F("session__lesson__unit__section__position"),
            unit_position=F("session__lesson__unit__position"),
        )
        .annotate(total=Count("id"), right=Count("id", filter=Q(correct=True)))
        .order_by("section_position", "unit_position")
    )


def exercise_stats(*, user_ids, course_id: int, since: datetime | None = None) -> list[dict]:
    """Each exercise of the course the learners answered: `exercise_id`, `attempts` (every
    answer), `first_tries`, `first_right`, `wrong` and `learners`. Snapshot ids: an exercise
    deleted since still has its row."""
    return list(
        _course_answers(user_ids=user_ids, course_id=course_id, since=since)
        .values("exercise_id")
        .annotate(
            attempts=Count("id"),
            first_tries=Count("id", filter=Q(first_try=True)),
            first_right=Count("id", filter=Q(first_try=True, correct=True)),
            wrong=Count("id", filter=Q(correct=False)),
            learners=Count("session__user_id", distinct=True),
        )
        .order_by("exercise_id")
    )


def exercise_common_wrong_answers(
    *, user_ids, course_id: int, per_exercise: int = 3, since: datetime | None = None
) -> dict[int, list[tuple[object, int]]]:
    """Exercise → its most frequent wrong answers as (answer JSON, count), most frequent first.

    One query: a row number per exercise keeps `per_exercise` answers each, so a year of answers
    never comes back to Python."""
    rows = (
        _course_answers(user_ids=user_ids, course_id=course_id, since=since)
        .filter(correct=False)
        .values("exercise_id", "answer")
        .annotate(n=Count("id"), first=Min("id"))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("exercise_id")],
                order_by=[F("n").desc(), F("first").asc()],
            )
        )
        .filter(rank__lte=per_exercise)
        .order_by("exercise_id", "rank")
    )
    result: dict[int, list[tuple[object, int]]] = defaultdict(list)
    for row in rows:
        result[row["exercise_id"]].append((row["answer"], row["n"]))
    return dict(result)


def lesson_progress_in_course(*, user_id: int, course_id: int):
    """The learner's passed lessons of the course, in course order, lesson and unit loaded."""
    return (
        LessonProgress.objects.filter(user_id=user_id, lesson__course_id=course_id)
        .select_related("lesson__unit__section")
        .order_by(*(f"lesson__{field}" for field in COURSE_ORDER))
    )


def enrollments_list(*, user) -> QuerySet[Enrollment]:
    """The learner's enrolments in published courses, the latest first, each with its course and
    the course's languages loaded (a client's "your courses")."""
    return (
        Enrollment.objects.filter(user=user, course__status=CourseStatus.PUBLISHED)
        .select_related("course__learning_language", "course__from_language")
        .order_by("-created_at", "-id")
    )
