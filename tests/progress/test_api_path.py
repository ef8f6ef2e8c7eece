"""Enrolling and reading the path: POST courses/{slug}/enroll/, GET courses/{slug}/."""

import pytest

from progress.models import Enrollment
from tests.progress.factories import LessonProgressFactory, build_path

pytestmark = pytest.mark.django_db


def _lesson_statuses(body: dict) -> list[str]:
    return [
        lesson["status"]
        for section in body["sections"]
        for unit in section["units"]
        for lesson in unit["lessons"]
    ]


def test_enrolling_creates_the_enrolment(learner, user, course):
    response = learner.enroll(course)

    assert response.status_code == 201
    assert response.json()["course"] == course.slug
    assert Enrollment.objects.filter(user=user, course=course).count() == 1


def test_enrolling_again_answers_200_and_keeps_one_enrolment(learner, user, course):
    learner.enroll(course)

    response = learner.enroll(course)

    assert response.status_code == 200
    assert Enrollment.objects.filter(user=user, course=course).count() == 1


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_enrolling_in_an_unpublished_course_is_404(learner, status):
    course, _ = build_path(((1,),), exercises=0, status=status)

    response = learner.enroll(course)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "course_not_found"
    assert not Enrollment.objects.exists()


def test_enrolling_needs_authentication(api_client, course):
    response = api_client.post(f"/api/v1/courses/{course.slug}/enroll/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_course_detail_gives_each_lesson_its_status_for_the_caller(learner, user, course, lessons):
    LessonProgressFactory(user=user, lesson=lessons[0])

    response = learner.course(course)

    assert response.status_code == 200
    assert _lesson_statuses(response.json()) == ["completed", "available", "locked"]


def test_course_detail_for_a_learner_not_enrolled_shows_the_first_lesson_available(learner, course):
    response = learner.course(course)

    assert _lesson_statuses(response.json()) == ["available", "locked", "locked"]


# 3 lessons in one unit; 300 in six units of two sections.
@pytest.mark.parametrize("shape", [((3,),), ((50, 50, 50), (50, 50, 50))])
def test_course_detail_query_count_does_not_grow_with_the_course(
    learner, user, shape, django_assert_num_queries
):
    course, lessons = build_path(shape, exercises=1)
    for lesson in lessons[:2]:
        LessonProgressFactory(user=user, lesson=lesson)
    lessons[-1].prerequisites.set(lessons[:2])

    # The course's revision with the learner's completed lessons, in one statement; the tree the
    # first time this process sees that revision (course, sections, units, lessons,
    # prerequisites).
    with django_assert_num_queries(6):
        response = learner.course(course)
    # Again: the revision with the learner's completed lessons, the tree is kept.
    with django_assert_num_queries(1):
        again = learner.course(course)

    assert response.status_code == 200
    assert len(_lesson_statuses(response.json())) == len(lessons)
    assert again.json() == response.json()


def test_an_anonymous_caller_sees_the_path_as_a_new_learner_would(api_client, course, lessons):
    LessonProgressFactory(lesson=lessons[0])  # someone else's progress shows to nobody else

    response = api_client.get(f"/api/v1/courses/{course.slug}/")

    assert response.status_code == 200
    assert _lesson_statuses(response.json()) == ["available", "locked", "locked"]


@pytest.mark.parametrize("shape", [((3,),), ((50, 50, 50), (50, 50, 50))])
def test_the_anonymous_path_costs_the_same_queries_whatever_the_course_size(
    api_client, shape, django_assert_num_queries
):
    course, lessons = build_path(shape, exercises=1)
    lessons[-1].prerequisites.set(lessons[:2])

    # The revision (an anonymous caller has no progress to read), then the tree (five).
    with django_assert_num_queries(6):
        response = api_client.get(f"/api/v1/courses/{course.slug}/")
    with django_assert_num_queries(1):
        api_client.get(f"/api/v1/courses/{course.slug}/")

    assert response.status_code == 200
    assert len(_lesson_statuses(response.json())) == len(lessons)


def test_enrolling_in_an_unknown_course_is_404(learner):
    response = learner.client.post("/api/v1/courses/no-such-course/enroll/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "course_not_found"


def test_course_detail_of_a_draft_is_404_course_not_found(learner):
    course, _ = build_path(((1,),), exercises=0, status="draft")

    response = learner.course(course)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "course_not_found"
