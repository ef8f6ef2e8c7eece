"""Publishing and the checks behind it: courses.services."""

# ruff: noqa: RUF001 - places are written with the angle quote editors read.

import threading

import pytest
from django.db import connection

from courses.models import Course, CourseStatus, Exercise
from courses.services import (
    CourseNotPublishable,
    LessonChange,
    course_problems,
    course_publish,
    course_unpublish,
    exercise_spec_build,
    lesson_prerequisites_problems,
    prerequisites_cycle_find,
    requirements_cycle_find,
)
from tests.accounts.factories import UserFactory
from tests.courses.factories import (
    CourseFactory,
    ExerciseFactory,
    LessonFactory,
    SectionFactory,
    UnitFactory,
    build_course,
)

# --- prerequisites_cycle_find --------------------------------------------------------------


@pytest.mark.parametrize(
    "edges",
    [
        {},
        {"a": []},
        {"b": ["a"], "c": ["b"]},
        {"d": ["b", "c"], "b": ["a"], "c": ["a"]},  # a diamond is not a cycle
    ],
)
def test_requirements_without_a_cycle_have_none(edges):
    assert prerequisites_cycle_find(edges) is None


@pytest.mark.parametrize(
    ("edges", "cycle"),
    [
        ({"a": ["a"]}, ["a", "a"]),
        ({"a": ["b"], "b": ["a"]}, ["a", "b", "a"]),
        ({"a": ["b"], "b": ["c"], "c": ["a"]}, ["a", "b", "c", "a"]),
        ({"x": ["a"], "a": ["b"], "b": ["a"]}, ["a", "b", "a"]),
        ({"a": ["z", "b"], "b": ["c"], "c": ["b"]}, ["b", "c", "b"]),
    ],
)
def test_a_cycle_is_returned_as_its_path(edges, cycle):
    assert prerequisites_cycle_find(edges) == cycle


def test_a_cycle_is_found_in_a_very_long_chain_without_recursion():
    edges = {f"l{n}": [f"l{n - 1}"] for n in range(1, 5000)}
    edges["l0"] = ["l4999"]

    cycle = prerequisites_cycle_find(edges)

    assert cycle is not None
    assert len(cycle) == 5001


def test_the_requirements_may_be_any_iterables():
    assert prerequisites_cycle_find({"a": ("b",), "b": iter(["a"])}) == ["a", "b", "a"]


# --- lesson_prerequisites_problems ---------------------------------------------------------


@pytest.fixture
def three_lessons(db):
    course = build_course(lessons=3)
    return list(course.lessons.order_by("pk"))


def test_prerequisites_earlier_in_the_course_are_fine(three_lessons):
    first, second, third = three_lessons

    assert lesson_prerequisites_problems(lesson=third, prerequisites=[first, second]) == []


def test_a_lesson_may_not_require_itself(three_lessons):
    first = three_lessons[0]

    problems = lesson_prerequisites_problems(lesson=first, prerequisites=[first])

    assert problems == ["A lesson cannot require itself."]


def test_a_prerequisite_from_another_course_is_a_problem(three_lessons):
    stranger = build_course(lessons=1).lessons.get()

    problems = lesson_prerequisites_problems(lesson=three_lessons[0], prerequisites=[stranger])

    assert problems == [
        f"'{stranger.slug}' is in another course; prerequisites stay in the course."
    ]


def test_prerequisites_closing_a_cycle_are_a_problem(three_lessons):
    first, second, third = three_lessons
    second.prerequisites.set([first])
    third.prerequisites.set([second])

    problems = lesson_prerequisites_problems(lesson=first, prerequisites=[third])

    assert problems == [
        "These prerequisites make a cycle: lesson-1 → lesson-3 → lesson-2 → lesson-1."
    ]


def test_the_lessons_unsaved_slug_is_the_one_judged(three_lessons):
    first, second, _ = three_lessons
    second.prerequisites.set([first])
    first.slug = "renamed"

    problems = lesson_prerequisites_problems(lesson=first, prerequisites=[second])

    assert problems == ["These prerequisites make a cycle: renamed → lesson-2 → renamed."]


def test_replacing_a_lessons_own_prerequisites_is_not_a_cycle(three_lessons):
    first, second, _ = three_lessons
    first.prerequisites.set([second])  # saved, and about to be replaced

    assert lesson_prerequisites_problems(lesson=second, prerequisites=[first]) != []
    assert lesson_prerequisites_problems(lesson=first, prerequisites=[]) == []


def test_a_prerequisite_waiting_for_this_lesson_as_the_one_after_it_is_a_cycle(three_lessons):
    # lesson-2 has no prerequisites, so it waits for lesson-1: lesson-1 cannot require it.
    first, second, _ = three_lessons

    problems = lesson_prerequisites_problems(lesson=first, prerequisites=[second])

    assert problems == [
        "These prerequisites make a cycle: lesson-1 → lesson-2 → lesson-1 (a lesson without "
        "prerequisites waits for the lesson before it)."
    ]


def test_a_cycle_through_several_lessons_before_is_found(three_lessons):
    first, _, third = three_lessons

    problems = lesson_prerequisites_problems(lesson=first, prerequisites=[third])

    assert problems == [
        "These prerequisites make a cycle: lesson-1 → lesson-3 → lesson-2 → lesson-1 (a lesson "
        "without prerequisites waits for the lesson before it)."
    ]


def test_clearing_prerequisites_may_make_a_cycle_through_the_lesson_before(three_lessons):
    # lesson-2 requires lesson-3; without prerequisites, lesson-3 would wait for lesson-2.
    first, second, third = three_lessons
    second.prerequisites.set([third])
    third.prerequisites.set([first])

    problems = lesson_prerequisites_problems(lesson=third, prerequisites=[])

    assert problems == [
        "These prerequisites make a cycle: lesson-3 → lesson-2 → lesson-3 (a lesson without "
        "prerequisites waits for the lesson before it)."
    ]


def test_moving_a_lesson_is_judged_at_its_new_place(three_lessons):
    # lesson-3 requires lesson-1; moved before lesson-1, lesson-1 would wait for it.
    first, _, third = three_lessons
    third.prerequisites.set([first])
    third.position = 0

    problems = lesson_prerequisites_problems(lesson=third, prerequisites=[first])

    assert problems == [
        "These prerequisites make a cycle: lesson-3 → lesson-1 → lesson-3 (a lesson without "
        "prerequisites waits for the lesson before it)."
    ]


def test_the_form_check_and_the_publish_check_agree(three_lessons):
    first, second, _ = three_lessons
    assert lesson_prerequisites_problems(lesson=first, prerequisites=[second]) != []

    first.prerequisites.set([second])

    [problem] = course_problems(course=first.course)
    assert problem.message.endswith(
        "lesson-1 → lesson-2 → lesson-1 (a lesson without prerequisites waits for the lesson "
        "before it)"
    )


def test_a_cycle_elsewhere_in_the_course_does_not_block_an_unrelated_lesson(three_lessons):
    first, second, third = three_lessons
    first.prerequisites.set([second])  # saved by hand: a cycle lesson-1 ⇄ lesson-2

    assert lesson_prerequisites_problems(lesson=third, prerequisites=[first]) == []


@pytest.mark.django_db
def test_swapping_lessons_under_an_explicit_prerequisite_is_a_cycle():
    course = build_course(lessons=3, published=False)
    first, second, _ = course.lessons.order_by("pk")
    second.prerequisites.set([first])
    swapped = [
        LessonChange(lesson_id=first.pk, slug="lesson-1", unit_id=first.unit_id, position=2),
        LessonChange(lesson_id=second.pk, slug="lesson-2", unit_id=second.unit_id, position=1),
    ]

    cycle = requirements_cycle_find(course_id=course.pk, lessons=swapped)

    assert cycle == (
        "lesson-1 → lesson-2 → lesson-1 (a lesson without prerequisites waits for the lesson "
        "before it)"
    )


@pytest.mark.django_db
def test_deleting_a_lesson_may_make_a_cycle_through_the_lesson_before():
    # lesson-1 requires lesson-3, which requires lesson-2: deleting lesson-2 deletes that
    # requirement, so lesson-3 would wait for lesson-1.
    course = build_course(lessons=3, published=False)
    first, second, third = course.lessons.order_by("pk")
    first.prerequisites.set([third])
    third.prerequisites.set([second])
    gone = LessonChange(
        lesson_id=second.pk, slug="lesson-2", unit_id=second.unit_id, position=2, deleted=True
    )

    assert requirements_cycle_find(course_id=course.pk, lessons=[gone]) == (
        "lesson-3 → lesson-1 → lesson-3 (a lesson without prerequisites waits for the lesson "
        "before it)"
    )


@pytest.mark.django_db
def test_swapping_units_is_judged_in_the_new_order():
    course = build_course(lessons=2, units=2, published=False)
    first, second = course.lessons.order_by("pk")
    second.prerequisites.set([first])

    cycle = requirements_cycle_find(
        course_id=course.pk,
        units={
            first.unit_id: (first.unit.section_id, 2),
            second.unit_id: (second.unit.section_id, 1),
        },
    )

    assert cycle is not None
    assert cycle.startswith("lesson-1 → lesson-2 → lesson-1")


@pytest.mark.django_db
def test_an_unchanged_course_has_no_new_cycle():
    course = build_course(lessons=5, units=2, published=False)

    assert requirements_cycle_find(course_id=course.pk) is None


# --- course_problems -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_complete_course_has_no_problems():
    course = build_course(lessons=4, exercises_per_lesson=6, published=False)

    assert course_problems(course=course) == []


@pytest.mark.django_db
def test_a_course_without_lessons_is_a_problem():
    course = CourseFactory()
    SectionFactory(course=course)

    assert [str(p) for p in course_problems(course=course)] == ["The course has no lessons."]


@pytest.mark.django_db
def test_a_lesson_without_exercises_is_a_problem_in_its_place():
    course = build_course(lessons=2, units=2, published=False)
    unit = course.lessons.get(slug="lesson-2").unit
    empty = LessonFactory(unit=unit, slug="food-1")

    [problem] = course_problems(course=course)

    assert str(problem) == "Section 1 › Unit 2 › Lesson 'food-1': the lesson has no exercises"
    assert problem.target == empty


@pytest.mark.django_db
def test_an_invalid_exercise_is_a_problem_at_its_number_in_the_lesson():
    course = build_course(lessons=1, exercises_per_lesson=2, published=False)
    lesson = course.lessons.get()
    broken = ExerciseFactory(
        lesson=lesson, multiple_choice=True, options=[("sí", False), ("no", False)]
    )

    [problem] = course_problems(course=course)

    assert str(problem) == (
        "Section 1 › Unit 1 › Lesson 'lesson-1' › exercise 3: "
        "multiple_choice needs exactly one correct option (it has 0)"
    )
    assert problem.target == broken


@pytest.mark.django_db
def test_every_problem_of_an_exercise_is_listed():
    course = build_course(lessons=1, exercises_per_lesson=1, published=False)
    ExerciseFactory(lesson=course.lessons.get(), word_bank=True, prompt="", tiles=["x"])

    messages = [p.message for p in course_problems(course=course)]

    assert messages == ["word_bank needs a prompt", "word_bank needs at least two tiles"]


@pytest.mark.django_db
def test_a_prerequisite_in_another_course_is_a_problem():
    course = build_course(lessons=2, published=False)
    stranger = build_course(lessons=1).lessons.get()
    course.lessons.get(slug="lesson-2").prerequisites.set([stranger])

    [problem] = course_problems(course=course)

    assert str(problem) == (
        "Section 1 › Unit 1 › Lesson 'lesson-2': its prerequisite 'lesson-1' is in another course"
    )


@pytest.mark.django_db
def test_prerequisites_in_a_cycle_make_their_lessons_unreachable():
    course = build_course(lessons=3, published=False)
    _first, second, third = course.lessons.order_by("pk")
    second.prerequisites.set([third])
    third.prerequisites.set([second])

    [problem] = course_problems(course=course)

    assert str(problem) == (
        "Section 1 › Unit 1 › Lesson 'lesson-2': no learner can reach it: its requirements form "
        "a cycle lesson-2 → lesson-3 → lesson-2"
    )


@pytest.mark.django_db
def test_a_cycle_through_the_lesson_before_is_found_too():
    # lesson-1 waits for lesson-3, which (without prerequisites) waits for lesson-2, which waits
    # for lesson-1: nobody can start.
    course = build_course(lessons=3, published=False)
    first = course.lessons.get(slug="lesson-1")
    first.prerequisites.set([course.lessons.get(slug="lesson-3")])

    [problem] = course_problems(course=course)

    assert problem.message == (
        "no learner can reach it: its requirements form a cycle lesson-1 → lesson-3 → lesson-2 "
        "→ lesson-1 (a lesson without prerequisites waits for the lesson before it)"
    )


@pytest.mark.django_db
def test_independent_cycles_are_each_reported():
    course = build_course(lessons=4, published=False)
    first, second, third, fourth = course.lessons.order_by("pk")
    first.prerequisites.set([second])
    second.prerequisites.set([first])
    third.prerequisites.set([fourth])
    fourth.prerequisites.set([third])

    places = [p.place for p in course_problems(course=course)]

    assert places == [
        "Section 1 › Unit 1 › Lesson 'lesson-1'",
        "Section 1 › Unit 1 › Lesson 'lesson-3'",
    ]


@pytest.mark.parametrize("lessons", [3, 300])
@pytest.mark.django_db
def test_checking_a_course_costs_the_same_queries_for_3_or_300_lessons(
    lessons, django_assert_max_num_queries
):
    course = build_course(lessons=lessons, exercises_per_lesson=3, published=False)

    # course, sections, units, lessons, exercises, options, prerequisites
    with django_assert_max_num_queries(7):
        assert course_problems(course=course) == []


# --- exercise_spec_build -------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_exercise_spec_holds_its_saved_options():
    exercise = ExerciseFactory(multiple_choice=True)

    spec = exercise_spec_build(exercise)

    assert spec.options == (("hola", True), ("adiós", False), ("gracias", False))


def test_an_exercise_spec_reads_broken_json_as_no_items():
    exercise = Exercise(type="translate", prompt="Hola", answers={"oops": 1}, tiles=None)

    spec = exercise_spec_build(exercise, options=[])

    assert (spec.answers, spec.tiles) == ((), ())


# --- course_publish / course_unpublish -----------------------------------------------------


@pytest.mark.django_db
def test_publishing_a_valid_course_makes_it_the_next_version():
    editor = UserFactory()
    course = build_course(published=False)

    course_publish(course=course, by=editor)

    course.refresh_from_db()
    assert course.status == CourseStatus.PUBLISHED
    assert course.version == 1
    assert course.published_at is not None


@pytest.mark.django_db
def test_each_publish_is_a_new_version():
    course = build_course(published=False)

    course_publish(course=course, by=None)
    first_published_at = course.published_at
    course_publish(course=course, by=None)

    assert course.version == 2
    assert course.published_at >= first_published_at


@pytest.mark.django_db
def test_publishing_is_recorded_in_the_history_with_who_did_it():
    editor = UserFactory()
    course = build_course(published=False)

    course_publish(course=course, by=editor)

    record = course.history.latest()
    assert (record.history_user, record.status, record.version) == (editor, "published", 1)
    assert record.history_change_reason == "Published version 1"


@pytest.mark.django_db
def test_a_refused_publish_lists_every_problem_and_changes_nothing():
    course = build_course(lessons=2, published=False)
    LessonFactory(unit=course.lessons.first().unit, slug="empty")
    course.lessons.get(slug="lesson-1").exercises.update(prompt="")
    history_before = course.history.count()

    with pytest.raises(CourseNotPublishable) as refused:
        course_publish(course=course, by=None)

    assert [str(p) for p in refused.value.problems] == [
        "Section 1 › Unit 1 › Lesson 'lesson-1' › exercise 1: translate needs a prompt",
        "Section 1 › Unit 1 › Lesson 'lesson-1' › exercise 2: multiple_choice needs a prompt",
        "Section 1 › Unit 1 › Lesson 'empty': the lesson has no exercises",
    ]
    assert refused.value.code == "course_not_publishable"
    course.refresh_from_db()
    assert (course.status, course.version, course.published_at) == (CourseStatus.DRAFT, 0, None)
    assert course.history.count() == history_before


@pytest.mark.django_db
def test_unpublishing_takes_the_course_back_to_draft_and_keeps_its_version():
    editor = UserFactory()
    course = build_course(published=False)
    course_publish(course=course, by=editor)

    course_unpublish(course=course, by=editor)

    course.refresh_from_db()
    assert (course.status, course.version) == (CourseStatus.DRAFT, 1)
    record = course.history.latest()
    assert (record.history_user, record.status, record.history_change_reason) == (
        editor,
        "draft",
        "Unpublished",
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_editors_publishing_at_once_make_two_versions():
    course = build_course(published=False)
    editors = [UserFactory(), UserFactory()]
    barrier = threading.Barrier(2)
    errors = []

    def publish(editor):
        try:
            barrier.wait()
            course_publish(course=Course.objects.get(pk=course.pk), by=editor)
        except Exception as error:  # surfaced below; a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(editor,)) for editor in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    course.refresh_from_db()
    assert course.version == 2
    assert sorted(
        r.version for r in course.history.filter(history_change_reason__isnull=False)
    ) == [
        1,
        2,
    ]


@pytest.mark.django_db
def test_a_unit_or_section_without_lessons_does_not_block_publishing():
    course = build_course(published=False)
    UnitFactory(section=SectionFactory(course=course))

    assert course_problems(course=course) == []
