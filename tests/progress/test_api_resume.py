"""Resuming a session: GET sessions/{id}/; what is still owed (session_incomplete); an exercise
answered right is done (already_answered)."""

import uuid

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from courses.models import Exercise
from gamification.services import hearts_get
from progress.models import LessonSession, SessionAnswer
from tests.accounts.factories import UserFactory
from tests.progress.conftest import LearnerApi
from tests.progress.factories import EnrollmentFactory, build_path, right_answer, wrong_answer

pytestmark = pytest.mark.django_db


def _url(session_id: int) -> str:
    return f"/api/v1/sessions/{session_id}/"


@pytest.fixture
def session(learner, enrolled, lessons) -> dict:
    return learner.start(lessons[0]).json()


def _exercise(item: dict) -> Exercise:
    return Exercise.objects.get(id=item["id"])


def test_a_session_reads_back_as_at_its_start(learner, session):
    response = learner.client.get(_url(session["id"]))

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("id", "lesson", "status", "practice", "hearts")} == {
        k: session[k] for k in ("id", "lesson", "status", "practice", "hearts")
    }
    for started, resumed in zip(session["exercises"], body["exercises"], strict=True):
        assert resumed == {**started, "answered": False}


def test_each_exercise_says_whether_it_was_answered_and_right(learner, session):
    first, second, _third = session["exercises"]
    learner.answer(session["id"], first["id"], right_answer(_exercise(first)))
    learner.answer(session["id"], second["id"], wrong_answer(_exercise(second)))

    exercises = learner.client.get(_url(session["id"])).json()["exercises"]

    states = [(e["answered"], e.get("correct")) for e in exercises]
    assert states == [(True, True), (True, False), (False, None)]
    assert all("key" not in e and "solution" not in e for e in exercises)
    assert learner.client.get(_url(session["id"])).json()["hearts"] == settings.HEARTS_MAX - 1


def test_a_wrong_answer_put_right_reads_as_right(learner, session):
    item = session["exercises"][0]
    learner.answer(session["id"], item["id"], wrong_answer(_exercise(item)))
    learner.answer(session["id"], item["id"], right_answer(_exercise(item)))

    exercises = learner.client.get(_url(session["id"])).json()["exercises"]

    assert (exercises[0]["answered"], exercises[0]["correct"]) == (True, True)


def test_another_learners_session_is_404(session, enrolled):
    other = APIClient()
    other.force_authenticate(UserFactory())

    response = other.get(_url(session["id"]))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "session_not_found"


def test_reading_a_session_needs_authentication(api_client, session):
    assert api_client.get(_url(session["id"])).status_code == 401


@pytest.mark.parametrize("size", [3, 30])
def test_reading_a_session_costs_the_same_queries_for_3_or_30_exercises(
    size, django_assert_max_num_queries
):
    user = UserFactory()
    client = APIClient()
    client.force_authenticate(user)
    course, lessons = build_path(((1,),), exercises=size)
    EnrollmentFactory(user=user, course=course)
    learner = LearnerApi(client)
    session = learner.start(lessons[0]).json()
    for item in session["exercises"][:2]:
        learner.answer(session["id"], item["id"], wrong_answer(_exercise(item)))

    # The session, its answers, the hearts.
    with django_assert_max_num_queries(3):
        response = client.get(_url(session["id"]))

    assert len(response.json()["exercises"]) == size


# --- What is still owed ------------------------------------------------------------------------


def test_session_incomplete_names_the_exercises_still_owed_a_right_answer(learner, session):
    first, second, third = session["exercises"]
    learner.answer(session["id"], first["id"], right_answer(_exercise(first)))
    learner.answer(session["id"], second["id"], wrong_answer(_exercise(second)))

    response = learner.complete(session["id"])

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "session_incomplete"
    assert error["exercises"] == [second["id"], third["id"]]
    assert error["message"].startswith("2 exercise(s)")


# --- An exercise answered right is done --------------------------------------------------------


@pytest.mark.parametrize("again", [right_answer, wrong_answer], ids=["right", "wrong"])
def test_an_exercise_answered_right_cannot_be_answered_again(learner, user, session, again):
    item = session["exercises"][0]
    first = learner.answer(session["id"], item["id"], right_answer(_exercise(item))).json()

    response = learner.answer(session["id"], item["id"], again(_exercise(item)))

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "already_answered"
    assert (error["exercise"], error["correct"], error["solution"]) == (
        item["id"],
        True,
        first["solution"],
    )
    # Nothing changed: no answer stored, no heart lost.
    assert SessionAnswer.objects.filter(exercise_id=item["id"]).count() == 1
    assert hearts_get(user=user).count == settings.HEARTS_MAX


def test_answering_right_again_cannot_undo_a_first_try_mistake(learner, session):
    # Otherwise a learner could pile up answers on an easy exercise; the score counts first tries.
    item = session["exercises"][0]
    learner.answer(session["id"], item["id"], wrong_answer(_exercise(item)))
    learner.answer_all_right(session)

    again = learner.answer(session["id"], item["id"], right_answer(_exercise(item)))

    assert again.status_code == 409
    assert learner.complete(session["id"]).json()["score"] == 66


def test_a_retried_answer_with_its_client_id_still_returns_the_first_verdict(learner, session):
    item = session["exercises"][0]
    client_id = uuid.uuid4()
    first = learner.answer(session["id"], item["id"], right_answer(_exercise(item)), client_id)

    retried = learner.answer(session["id"], item["id"], right_answer(_exercise(item)), client_id)

    assert retried.status_code == 200
    assert retried.json() == first.json()


def test_a_session_started_before_answer_languages_reads_with_the_learned_language(
    learner, session
):
    stored = LessonSession.objects.get(id=session["id"])
    for item in stored.exercises:
        del item["answer_language"]
    stored.save(update_fields=["exercises"])

    response = learner.client.get(_url(session["id"]))

    assert response.status_code == 200
    assert {e["answer_language"] for e in response.json()["exercises"]} == {"es"}


def test_an_exercise_answered_right_is_done_whatever_is_sent_again(learner, session):
    item = session["exercises"][0]
    learner.answer(session["id"], item["id"], right_answer(_exercise(item)))

    response = learner.answer(session["id"], item["id"], {"nonsense": True})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_answered"
