"""The learner's read API for courses (API.md, "Courses and the path")."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIRequestFactory, force_authenticate

from courses.api import CourseDetailApi
from courses.models import CourseStatus, Lesson
from tests.courses.factories import (
    CourseFactory,
    LessonFactory,
    SectionFactory,
    UnitFactory,
    build_course,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("v1:course-list")


def detail_url(slug: str) -> str:
    return reverse("v1:course-detail", args=[slug])


def content_detail(user, slug: str, view=CourseDetailApi):
    """The content app's own view, before progress adds the caller's lesson statuses (the routed
    URL serves progress's subclass; tests/progress cover statuses and its query count)."""
    request = APIRequestFactory().get(detail_url(slug))
    force_authenticate(request, user=user)
    return view.as_view()(request, slug=slug).render()


# --- GET courses/ --------------------------------------------------------------------------


def test_the_list_shows_published_courses_only(auth_client):
    published = CourseFactory(published=True, title="Spanish")
    CourseFactory(title="Draft")
    CourseFactory(title="Archived", status=CourseStatus.ARCHIVED)

    response = auth_client.get(LIST_URL)

    assert response.status_code == 200
    assert [course["slug"] for course in response.json()["results"]] == [published.slug]


def test_a_listed_course_carries_its_languages_and_version(auth_client):
    course = CourseFactory(published=True, slug="es-en", title="Spanish", description="Hola.")

    [listed] = auth_client.get(LIST_URL).json()["results"]

    assert listed == {
        "id": course.pk,
        "slug": "es-en",
        "title": "Spanish",
        "description": "Hola.",
        "learning_language": {"code": "es", "name": "Spanish"},
        "from_language": {"code": "en", "name": "English"},
        "version": 1,
    }


def test_the_list_is_paginated(auth_client):
    CourseFactory.create_batch(3, published=True)

    body = auth_client.get(LIST_URL, {"page_size": 2}).json()

    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] is not None
    assert body["previous"] is None


@pytest.mark.parametrize("count", [2, 40])
def test_the_list_costs_the_same_queries_for_few_or_many_courses(
    auth_client, count, django_assert_max_num_queries
):
    CourseFactory.create_batch(count, published=True)

    with django_assert_max_num_queries(2):  # count, page
        response = auth_client.get(LIST_URL)

    assert len(response.json()["results"]) == count


def test_the_list_is_open_to_anonymous_callers(api_client):
    # A client shows the catalogue before sign-up.
    published = CourseFactory(published=True)
    CourseFactory()  # a draft

    response = api_client.get(LIST_URL)

    assert response.status_code == 200
    assert [course["slug"] for course in response.json()["results"]] == [published.slug]


@pytest.mark.parametrize("count", [2, 40])
def test_the_anonymous_list_costs_the_same_queries_for_few_or_many_courses(
    api_client, count, django_assert_max_num_queries
):
    CourseFactory.create_batch(count, published=True)

    with django_assert_max_num_queries(2):  # count, page
        response = api_client.get(LIST_URL)

    assert len(response.json()["results"]) == count


def test_a_bad_token_on_the_public_list_is_still_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    response = api_client.get(LIST_URL)

    assert response.status_code == 401


# --- GET courses/{slug}/ -------------------------------------------------------------------


def test_the_detail_is_the_whole_path_in_order(user):
    course = CourseFactory(published=True, slug="es-en")
    second_section = SectionFactory(course=course, position=2, title="Travel")
    first_section = SectionFactory(course=course, position=1, title="Basics")
    unit = UnitFactory(
        section=first_section,
        position=1,
        title="Greetings",
        description="Say hello.",
        guidebook="Hola is informal.",
        color="#1CB0F6",
        icon="wave",
    )
    later = LessonFactory(unit=unit, position=2, slug="hello-2", title="More", xp_reward=15)
    earlier = LessonFactory(unit=unit, position=1, slug="hello-1", title="Hello", xp_reward=10)

    body = json.loads(content_detail(user, "es-en").render().content)

    assert body["slug"] == "es-en"
    assert body["learning_language"] == {"code": "es", "name": "Spanish"}
    assert [section["title"] for section in body["sections"]] == ["Basics", "Travel"]
    assert body["sections"][0]["id"] == first_section.pk
    assert body["sections"][1] == {
        "id": second_section.pk,
        "title": "Travel",
        "description": "",
        "cefr_level": "",
        "units": [],
    }
    [greetings] = body["sections"][0]["units"]
    assert {key: greetings[key] for key in greetings if key != "lessons"} == {
        "id": unit.pk,
        "title": "Greetings",
        "description": "Say hello.",
        "guidebook": "Hola is informal.",
        "color": "#1CB0F6",
        "icon": "wave",
    }
    assert greetings["lessons"] == [
        {
            "id": earlier.pk,
            "slug": "hello-1",
            "title": "Hello",
            "xp_reward": 10,
            "status": "available",
        },
        {
            "id": later.pk,
            "slug": "hello-2",
            "title": "More",
            "xp_reward": 15,
            "status": "available",
        },
    ]


@pytest.mark.parametrize("status", [CourseStatus.DRAFT, CourseStatus.ARCHIVED])
def test_a_course_that_is_not_published_is_a_404(auth_client, status):
    course = build_course(published=False)
    course.status = status
    course.save()

    response = auth_client.get(detail_url(course.slug))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "course_not_found"


def test_an_unknown_course_is_the_same_404_as_a_draft(auth_client):
    draft = build_course(published=False)

    unknown = auth_client.get(detail_url("no-such-course"))
    hidden = auth_client.get(detail_url(draft.slug))

    assert unknown.status_code == hidden.status_code == 404
    assert unknown.json() == hidden.json()


def test_the_detail_is_open_to_anonymous_callers(api_client):
    course = build_course()

    response = api_client.get(detail_url(course.slug))

    assert response.status_code == 200
    assert response.json()["slug"] == course.slug


def test_a_draft_is_404_to_anonymous_callers_too(api_client):
    draft = CourseFactory()

    response = api_client.get(detail_url(draft.slug))

    assert response.status_code == 404


@pytest.mark.parametrize("lessons", [3, 300])
def test_the_detail_costs_the_same_queries_for_3_or_300_lessons(
    user, lessons, django_assert_num_queries
):
    course = build_course(lessons=lessons, exercises_per_lesson=1)

    # The course's revision; then, the first time this process sees it, the course with its
    # languages, its sections, units, lessons and prerequisites: one query each.
    with django_assert_num_queries(6):
        response = content_detail(user, course.slug)
    # Again: the revision alone, the tree is kept for it.
    with django_assert_num_queries(1):
        again = content_detail(user, course.slug)

    assert response.status_code == 200
    assert again.content == response.content
    sections = json.loads(response.content)["sections"]
    paths = [unit["lessons"] for section in sections for unit in section["units"]]
    assert sum(len(lessons_of_unit) for lessons_of_unit in paths) == lessons


def test_a_subclass_supplies_lesson_statuses_through_the_hook(user):
    course = build_course(lessons=3)
    first, second, third = Lesson.objects.filter(course=course).order_by("pk")

    class WithStatuses(CourseDetailApi):
        def get_tree_and_statuses(self, slug):
            tree, _none = super().get_tree_and_statuses(slug)
            return tree, {first.pk: "completed", second.pk: "locked"}

    response = content_detail(user, course.slug, view=WithStatuses)

    statuses = {
        lesson["slug"]: lesson["status"]
        for section in json.loads(response.content)["sections"]
        for unit in section["units"]
        for lesson in unit["lessons"]
    }
    assert statuses == {
        first.slug: "completed",
        second.slug: "locked",
        third.slug: "available",
    }
