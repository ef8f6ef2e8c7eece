"""The path: which lessons a learner may take, computed in a fixed number of queries."""

import pytest
from django.contrib.auth.models import AnonymousUser

from progress.selectors import lesson_status_for, lesson_statuses_for
from tests.progress.factories import LessonProgressFactory, build_path

pytestmark = pytest.mark.django_db


def _statuses(user, course, lessons) -> list[str]:
    statuses = lesson_statuses_for(user=user, course=course)
    return [statuses[lesson.id] for lesson in lessons]


def test_new_learner_has_only_the_first_lesson_available(user):
    course, lessons = build_path(((2, 1), (1,)), exercises=0)

    assert _statuses(user, course, lessons) == ["available", "locked", "locked", "locked"]


def test_anonymous_caller_sees_the_first_lesson_available(user):
    course, lessons = build_path(((2,),), exercises=0)

    assert _statuses(AnonymousUser(), course, lessons) == ["available", "locked"]


def test_completing_a_lesson_makes_it_completed_and_the_next_available(user):
    course, lessons = build_path(((3,),), exercises=0)
    LessonProgressFactory(user=user, lesson=lessons[0])

    assert _statuses(user, course, lessons) == ["completed", "available", "locked"]


def test_the_next_lesson_follows_section_then_unit_then_lesson_position(user):
    # Given the first section's units moved so that ids no longer follow the course order.
    course, lessons = build_path(((1, 1), (1,)), exercises=0)
    created_first, created_second = lessons[0].unit, lessons[1].unit
    created_first.position, created_second.position = 9, 5
    created_first.save()
    created_second.save()
    LessonProgressFactory(user=user, lesson=lessons[1])

    # The unit at position 5 comes first; the next section waits for the unit at 9.
    assert _statuses(user, course, lessons) == ["available", "completed", "locked"]


def test_last_lesson_of_a_section_unlocks_the_first_of_the_next_section(user):
    course, lessons = build_path(((1,), (1,)), exercises=0)
    LessonProgressFactory(user=user, lesson=lessons[0])

    assert _statuses(user, course, lessons) == ["completed", "available"]


def test_a_lesson_with_prerequisites_waits_for_all_of_them_not_the_lesson_before(user):
    course, lessons = build_path(((4,),), exercises=0)
    first, second, third, fourth = lessons
    fourth.prerequisites.set([first, second])
    LessonProgressFactory(user=user, lesson=first)
    LessonProgressFactory(user=user, lesson=third)  # the lesson right before the fourth

    assert _statuses(user, course, lessons)[3] == "locked"

    LessonProgressFactory(user=user, lesson=second)
    assert _statuses(user, course, lessons)[3] == "available"


def test_a_prerequisite_in_another_course_counts(user):
    _, (basic_lesson,) = build_path(((1,),), exercises=0)
    course, (first, second) = build_path(((2,),), exercises=0)
    second.prerequisites.set([basic_lesson])
    LessonProgressFactory(user=user, lesson=first)

    assert _statuses(user, course, [first, second]) == ["completed", "locked"]

    LessonProgressFactory(user=user, lesson=basic_lesson)
    assert _statuses(user, course, [first, second]) == ["completed", "available"]


def test_another_learners_progress_does_not_count(user):
    course, lessons = build_path(((2,),), exercises=0)
    LessonProgressFactory(lesson=lessons[0])

    assert _statuses(user, course, lessons) == ["available", "locked"]


def test_one_lesson_status_agrees_with_the_whole_path(user):
    course, lessons = build_path(((2, 2), (2,)), exercises=0)
    lessons[5].prerequisites.set([lessons[1]])
    for done in (lessons[0], lessons[1], lessons[3]):
        LessonProgressFactory(user=user, lesson=done)
    statuses = lesson_statuses_for(user=user, course=course)

    for lesson in lessons:
        assert lesson_status_for(user=user, lesson=lesson) == statuses[lesson.id], lesson


@pytest.mark.parametrize("shape", [((2,),), ((10, 10), (10, 10, 10))])
def test_statuses_cost_three_queries_whatever_the_size(user, shape, django_assert_num_queries):
    course, lessons = build_path(shape, exercises=0)
    lessons[-1].prerequisites.set(lessons[:3])
    for lesson in lessons[: len(lessons) // 2]:
        LessonProgressFactory(user=user, lesson=lesson)

    with django_assert_num_queries(3):
        lesson_statuses_for(user=user, course=course)


def test_statuses_from_lesson_ids_already_in_hand_cost_two_queries(user, django_assert_num_queries):
    course, lessons = build_path(((2, 2),), exercises=0)
    LessonProgressFactory(user=user, lesson=lessons[0])

    with django_assert_num_queries(2):
        statuses = lesson_statuses_for(
            user=user, course=course, ordered_lesson_ids=[lesson.id for lesson in lessons]
        )

    assert list(statuses.values()) == ["completed", "available", "locked", "locked"]
