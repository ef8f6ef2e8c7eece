"""The progress admin: look into enrolments, progress and sessions; make none by hand."""

import pytest
from django.urls import reverse

from courses.models import Exercise
from progress.models import Enrollment, LessonProgress, LessonSession
from tests.accounts.factories import UserFactory
from tests.progress.factories import (
    EnrollmentFactory,
    LessonProgressFactory,
    build_path,
    wrong_answer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey(learner, user, enrolled, lessons):
    """A learner with a passed session (with a mistake) and an abandoned one."""
    lessons[0].pass_score = 60
    lessons[0].save()
    session = learner.start(lessons[0]).json()
    exercise = Exercise.objects.get(id=session["exercises"][0]["id"])
    learner.answer(session["id"], exercise.id, wrong_answer(exercise))
    learner.answer_all_right(session)
    learner.complete(session["id"])
    learner.start(lessons[1])
    return LessonSession.objects.get(id=session["id"])


def _changelist(model) -> str:
    return reverse(f"admin:progress_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", [Enrollment, LessonProgress, LessonSession])
def test_changelists_list_the_rows(admin_client, journey, model):
    response = admin_client.get(_changelist(model))

    assert response.status_code == 200
    assert response.context["cl"].result_count == model.objects.count() > 0


@pytest.mark.parametrize("model", [Enrollment, LessonProgress, LessonSession])
def test_changelists_search_by_learner_email(admin_client, journey, user, model):
    other = UserFactory(email="someone.else@example.com")
    EnrollmentFactory(user=other)
    LessonProgressFactory(user=other)

    response = admin_client.get(_changelist(model), {"q": user.email})

    shown = list(response.context["cl"].result_list)
    assert shown
    assert {row.user_id for row in shown} == {user.id}


def test_sessions_filter_by_status(admin_client, journey):
    response = admin_client.get(_changelist(LessonSession), {"status__exact": "passed"})

    assert [s.id for s in response.context["cl"].result_list] == [journey.id]


def test_sessions_filter_by_course(admin_client, journey, user):
    _, (other_lesson,) = build_path(((1,),), exercises=1)
    LessonSession.objects.create(user=user, lesson=other_lesson, seed="x", exercises=[])

    response = admin_client.get(
        _changelist(LessonSession), {"lesson__course__id__exact": journey.lesson.course_id}
    )

    shown = list(response.context["cl"].result_list)
    assert len(shown) == 2
    assert {s.lesson.course_id for s in shown} == {journey.lesson.course_id}


def test_progress_filters_by_course(admin_client, journey, user):
    LessonProgressFactory(user=user)

    response = admin_client.get(
        _changelist(LessonProgress), {"lesson__course__id__exact": journey.lesson.course_id}
    )

    assert [p.lesson_id for p in response.context["cl"].result_list] == [journey.lesson_id]


def test_a_session_page_shows_its_answers(admin_client, journey):
    response = admin_client.get(reverse("admin:progress_lessonsession_change", args=[journey.id]))

    assert response.status_code == 200
    inline = response.context["inline_admin_formsets"][0]
    assert len(inline.formset.queryset) == journey.answers.count() == 4
    assert b"completely different words here" in response.content


@pytest.mark.parametrize("model", [Enrollment, LessonProgress, LessonSession])
def test_rows_cannot_be_added_by_hand(admin_client, model):
    response = admin_client.get(reverse(f"admin:progress_{model._meta.model_name}_add"))

    assert response.status_code == 403


def test_a_session_cannot_be_edited(admin_client, journey):
    url = reverse("admin:progress_lessonsession_change", args=[journey.id])

    admin_client.post(url, {"status": "active", "score": 0})

    journey.refresh_from_db()
    assert (journey.status, journey.score) == ("passed", 66)
