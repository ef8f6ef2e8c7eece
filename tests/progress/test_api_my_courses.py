"""GET me/courses/: the courses the caller is enrolled in, for a client's first screen."""

import pytest

from courses.models import CourseStatus
from tests.accounts.factories import UserFactory
from tests.courses.factories import CourseFactory
from tests.progress.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_lists_the_callers_enrolments_latest_first_with_the_course_as_the_catalogue_shows_it(
    auth_client, user
):
    first = CourseFactory(published=True, title="Spanish")
    second = CourseFactory(published=True, title="French")
    EnrollmentFactory(user=user, course=first)
    EnrollmentFactory(user=user, course=second)
    EnrollmentFactory(user=UserFactory(), course=CourseFactory(published=True))

    response = auth_client.get("/api/v1/me/courses/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["course"]["slug"] for row in body["results"]] == [second.slug, first.slug]
    row = body["results"][0]
    assert set(row["course"]) >= {"id", "slug", "title", "learning_language", "from_language"}
    assert row["course"]["learning_language"]["code"] == "es"
    assert row["enrolled_at"]


def test_a_course_no_longer_published_is_left_out(auth_client, user):
    course = CourseFactory(published=True)
    EnrollmentFactory(user=user, course=course)
    course.status = CourseStatus.ARCHIVED
    course.save(update_fields=["status"])

    assert auth_client.get("/api/v1/me/courses/").json()["count"] == 0


@pytest.mark.parametrize("size", [2, 20])
def test_costs_the_same_queries_for_few_or_many_enrolments(
    auth_client, user, size, django_assert_max_num_queries
):
    for _ in range(size):
        EnrollmentFactory(user=user, course=CourseFactory(published=True))

    with django_assert_max_num_queries(3):
        response = auth_client.get("/api/v1/me/courses/")

    assert response.json()["count"] == size


def test_anonymous_callers_get_401(api_client):
    assert api_client.get("/api/v1/me/courses/").status_code == 401
