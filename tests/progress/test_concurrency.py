"""Races on one session, with real threads on PostgreSQL: retries and double taps must not
store an answer twice, take two hearts or award XP twice."""

import threading
import uuid

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from courses.models import Exercise
from gamification.models import XpEvent
from gamification.services import hearts_get
from progress.models import LessonProgress, SessionAnswer
from tests.progress.conftest import LearnerApi
from tests.progress.factories import EnrollmentFactory, build_path, wrong_answer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 4


def _race(user, request) -> list:
    """Run `request(learner)` in THREADS threads released together; return their responses."""
    barrier = threading.Barrier(THREADS)
    responses: list = [None] * THREADS
    errors: list = []

    def run(index: int) -> None:
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait(timeout=10)
            responses[index] = request(LearnerApi(client))
        except Exception as error:  # surfaced below: a thread's exception is otherwise lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return responses


@pytest.fixture
def session(user) -> dict:
    course, lessons = build_path(((2,),), exercises=3)
    EnrollmentFactory(user=user, course=course)
    client = APIClient()
    client.force_authenticate(user)
    return LearnerApi(client).start(lessons[0]).json()


def test_concurrent_answers_with_one_client_id_store_one_answer_and_take_one_heart(user, session):
    exercise = Exercise.objects.get(id=session["exercises"][0]["id"])
    client_id = uuid.uuid4()

    responses = _race(
        user,
        lambda learner: learner.answer(
            session["id"], exercise.id, wrong_answer(exercise), client_id
        ),
    )

    assert [r.status_code for r in responses] == [200] * THREADS
    assert len({str(r.json()) for r in responses}) == 1
    assert SessionAnswer.objects.filter(session_id=session["id"]).count() == 1
    assert hearts_get(user=user).count == settings.HEARTS_MAX - 1


def test_concurrent_first_answers_to_one_exercise_count_one_first_try(user, session):
    exercise = Exercise.objects.get(id=session["exercises"][0]["id"])

    _race(user, lambda learner: learner.answer(session["id"], exercise.id, wrong_answer(exercise)))

    answers = SessionAnswer.objects.filter(session_id=session["id"])
    assert answers.count() == THREADS
    assert answers.filter(first_try=True).count() == 1
    assert hearts_get(user=user).count == settings.HEARTS_MAX - THREADS


def test_concurrent_completions_award_xp_once_and_agree(user, session):
    client = APIClient()
    client.force_authenticate(user)
    LearnerApi(client).answer_all_right(session)

    responses = _race(user, lambda learner: learner.complete(session["id"]))

    assert [r.status_code for r in responses] == [200] * THREADS
    assert len({str(r.json()) for r in responses}) == 1
    assert responses[0].json()["passed"] is True
    assert XpEvent.objects.filter(user=user).count() == 1
    assert LessonProgress.objects.get(user=user).times_completed == 1
