"""Assignment statuses: open, done, late, missed, across the class's time zone and due dates."""

from datetime import UTC, date, datetime

import pytest

from classrooms.selectors import AssignmentStatus, assignment_progress, assignment_progress_for
from tests.classrooms.factories import AssignmentFactory, ClassroomFactory
from tests.gamification.factories import XpEventFactory
from tests.progress.factories import LessonProgressFactory, build_path

DEADLINE = datetime(2025, 3, 10, tzinfo=UTC)


def _progress(**overrides):
    fields = {
        "lesson_ids": [1, 2],
        "xp_goal": 0,
        "deadline": DEADLINE,
        "completed_at": {},
        "xp_in_window": 0,
        "xp_since_start": 0,
        "now": datetime(2025, 3, 5, tzinfo=UTC),
    }
    return assignment_progress(**(fields | overrides))


def test_nothing_done_before_the_deadline_is_open():
    progress = _progress(completed_at={1: datetime(2025, 3, 4, tzinfo=UTC)})

    assert progress.status == AssignmentStatus.OPEN
    assert (progress.lessons_done, progress.lessons_total, progress.percent) == (1, 2, 50)


def test_every_lesson_passed_before_the_deadline_is_done():
    at = datetime(2025, 3, 9, 23, 59, tzinfo=UTC)

    progress = _progress(completed_at={1: at, 2: at}, now=datetime(2025, 4, 1, tzinfo=UTC))

    assert progress.status == AssignmentStatus.DONE
    assert progress.percent == 100


def test_the_last_lesson_passed_after_the_deadline_is_late():
    progress = _progress(
        completed_at={1: datetime(2025, 3, 4, tzinfo=UTC), 2: DEADLINE},
        now=datetime(2025, 3, 11, tzinfo=UTC),
    )

    assert progress.status == AssignmentStatus.LATE


def test_unfinished_after_the_deadline_is_missed():
    progress = _progress(now=DEADLINE)

    assert progress.status == AssignmentStatus.MISSED


def test_an_xp_goal_earned_in_the_window_is_done_and_after_it_late():
    done = _progress(lesson_ids=[], xp_goal=50, xp_in_window=50, xp_since_start=60, now=DEADLINE)
    late = _progress(lesson_ids=[], xp_goal=50, xp_in_window=40, xp_since_start=60, now=DEADLINE)
    open_ = _progress(lesson_ids=[], xp_goal=50, xp_in_window=20, xp_since_start=20)

    assert done.status == AssignmentStatus.DONE
    assert late.status == AssignmentStatus.LATE
    assert open_.status == AssignmentStatus.OPEN
    assert open_.percent == 40


def test_lessons_and_xp_both_count_toward_done():
    at = datetime(2025, 3, 4, tzinfo=UTC)

    progress = _progress(
        completed_at={1: at, 2: at}, xp_goal=100, xp_in_window=10, xp_since_start=10
    )

    assert progress.status == AssignmentStatus.OPEN
    assert progress.percent == 55


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone", "completed_at", "expected"),
    [
        # Due 9 March in Tokyo: the deadline is 10 March 00:00 JST = 9 March 15:00 UTC.
        ("Asia/Tokyo", datetime(2025, 3, 9, 14, 59, tzinfo=UTC), AssignmentStatus.DONE),
        ("Asia/Tokyo", datetime(2025, 3, 9, 15, 0, tzinfo=UTC), AssignmentStatus.LATE),
        # In Los Angeles (PDT from 9 March) the deadline is 10 March 07:00 UTC.
        ("America/Los_Angeles", datetime(2025, 3, 10, 6, 59, tzinfo=UTC), AssignmentStatus.DONE),
        ("America/Los_Angeles", datetime(2025, 3, 10, 7, 0, tzinfo=UTC), AssignmentStatus.LATE),
        ("UTC", datetime(2025, 3, 9, 23, 59, tzinfo=UTC), AssignmentStatus.DONE),
        ("UTC", datetime(2025, 3, 10, 0, 0, tzinfo=UTC), AssignmentStatus.LATE),
    ],
)
def test_the_due_day_ends_at_midnight_of_the_class_time_zone(zone, completed_at, expected):
    course, (lesson,) = build_path(((1,),), exercises=1)
    classroom = ClassroomFactory(course=course, timezone=zone)
    assignment = AssignmentFactory(
        classroom=classroom, lessons=[lesson], starts_at=date(2025, 3, 3), due_at=date(2025, 3, 9)
    )
    student = LessonProgressFactory(lesson=lesson, first_completed_at=completed_at).user

    progress = assignment_progress_for(
        assignments=[assignment], student_ids=[student.pk], now=datetime(2025, 4, 1, tzinfo=UTC)
    )

    assert progress[(assignment.id, student.pk)].status == expected


@pytest.mark.django_db
def test_xp_counts_from_the_start_day_in_the_class_time_zone():
    classroom = ClassroomFactory(timezone="Asia/Tokyo")
    assignment = AssignmentFactory(
        classroom=classroom, xp_goal=30, starts_at=date(2025, 3, 3), due_at=date(2025, 3, 9)
    )
    early = XpEventFactory(amount=30, created_at=datetime(2025, 3, 2, 14, 59, tzinfo=UTC)).user
    # 3 March 00:00 JST is 2 March 15:00 UTC: from then on it counts.
    on_time = XpEventFactory(amount=30, created_at=datetime(2025, 3, 2, 15, 0, tzinfo=UTC)).user
    after = XpEventFactory(amount=30, created_at=datetime(2025, 3, 9, 15, 0, tzinfo=UTC)).user

    progress = assignment_progress_for(
        assignments=[assignment],
        student_ids=[early.pk, on_time.pk, after.pk],
        now=datetime(2025, 3, 20, tzinfo=UTC),
    )

    assert progress[(assignment.id, early.pk)].status == AssignmentStatus.MISSED
    assert progress[(assignment.id, on_time.pk)].status == AssignmentStatus.DONE
    assert progress[(assignment.id, after.pk)].status == AssignmentStatus.LATE


@pytest.mark.django_db
def test_before_the_deadline_nothing_is_missed_yet():
    course, (lesson,) = build_path(((1,),), exercises=1)
    assignment = AssignmentFactory(
        classroom=ClassroomFactory(course=course, timezone="Pacific/Auckland"),
        lessons=[lesson],
        due_at=date(2025, 3, 9),
    )
    student = LessonProgressFactory(lesson=build_path(((1,),))[1][0]).user
    # Auckland is on NZDT (UTC+13): 9 March 10:59 UTC is 23:59 of the due day there.
    before = datetime(2025, 3, 9, 10, 59, tzinfo=UTC)
    after = datetime(2025, 3, 9, 11, 0, tzinfo=UTC)

    at_before = assignment_progress_for(
        assignments=[assignment], student_ids=[student.pk], now=before
    )
    at_after = assignment_progress_for(
        assignments=[assignment], student_ids=[student.pk], now=after
    )

    assert at_before[(assignment.id, student.pk)].status == AssignmentStatus.OPEN
    assert at_after[(assignment.id, student.pk)].status == AssignmentStatus.MISSED
