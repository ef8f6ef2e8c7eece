"""The class page, the exports and the learner's lists cost the same number of queries for a
class of 5 as for a class of 200 students with a year of activity."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from classrooms.sample import class_with_activity
from tests.classrooms.factories import AssignmentFactory, ClassroomFactory, make_teacher
from tests.progress.factories import build_path

pytestmark = pytest.mark.django_db

PAGES = [
    ("", 21),
    ("progress.csv", 18),
    ("items/", 9),
    ("items.csv", 9),
]


def _class(size: int, teacher):
    course, lessons = build_path(((2, 2),), exercises=3)
    classroom = ClassroomFactory(course=course, owner=teacher)
    for i, (start, due) in enumerate(
        [(date(2025, 5, 1), date(2025, 5, 7)), (date(2025, 6, 1), date(2025, 7, 30))]
    ):
        AssignmentFactory(
            classroom=classroom,
            lessons=lessons[i : i + 2],
            xp_goal=50 * i,
            starts_at=start,
            due_at=due,
        )
    class_with_activity(classroom, students=size)
    return classroom


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("page", "most"), PAGES)
def test_a_page_of_200_students_costs_what_a_page_of_5_does(
    client, page, most, django_assert_max_num_queries
):
    teacher = make_teacher()
    small = _class(5, teacher)
    large = _class(200, teacher)
    client.force_login(teacher)

    small_count = _count(client, f"/teach/classrooms/{small.id}/{page}")
    with django_assert_max_num_queries(most):
        response = client.get(f"/teach/classrooms/{large.id}/{page}")

    assert response.status_code == 200
    assert _count(client, f"/teach/classrooms/{large.id}/{page}") == small_count
    if page == "progress.csv":
        assert response.content.decode("utf-8-sig").count("\r\n") == 201


def test_a_student_page_costs_the_same_in_a_big_class_with_a_year_of_activity(
    client, django_assert_max_num_queries
):
    teacher = make_teacher()
    small = _class(5, teacher)
    large = _class(200, teacher)
    client.force_login(teacher)
    small_student = small.memberships.first().student_id
    large_student = large.memberships.first().student_id

    small_count = _count(client, f"/teach/classrooms/{small.id}/students/{small_student}/")
    with django_assert_max_num_queries(11):
        response = client.get(f"/teach/classrooms/{large.id}/students/{large_student}/")

    assert response.status_code == 200
    assert _count(client, f"/teach/classrooms/{large.id}/students/{large_student}/") == (
        small_count
    )


def test_the_teacher_home_costs_the_same_for_one_class_or_many(client):
    teacher = make_teacher()
    ClassroomFactory(owner=teacher)
    client.force_login(teacher)
    one = _count(client, "/teach/")
    for _ in range(5):
        ClassroomFactory(owner=teacher)

    assert _count(client, "/teach/") == one
