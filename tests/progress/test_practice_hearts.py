"""Nobody is ever stuck: POST practice/hearts/ practises material already met, whatever the hearts,
and finishing it gives a heart back."""

import pytest
from django.conf import settings

from courses.models import Exercise
from gamification.models import XpEvent
from gamification.selectors import gamification_export
from gamification.services import hearts_get
from progress.models import LessonProgress, LessonSession
from progress.selectors import progress_export
from tests.progress.factories import LessonProgressFactory, build_path, wrong_answer

pytestmark = pytest.mark.django_db

PRACTICE_URL = "/api/v1/practice/hearts/"


def _fail(learner, session: dict) -> None:
    """Answer the first exercise wrong until the hearts run out and the session fails."""
    exercise = Exercise.objects.get(id=session["exercises"][0]["id"])
    for _ in range(settings.HEARTS_MAX):
        body = learner.answer(session["id"], exercise.id, wrong_answer(exercise)).json()
    assert (body["hearts"], body["session_status"]) == (0, "failed")


@pytest.fixture
def failed(learner, user, enrolled, lessons) -> dict:
    """A new learner who failed the first lesson and has no hearts left."""
    session = learner.start(lessons[0]).json()
    _fail(learner, session)
    return session


def test_a_learner_who_failed_the_first_lesson_practises_it_and_gets_a_heart_back(
    learner, user, lessons, failed
):
    refused = learner.start(lessons[0])
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "no_hearts"

    response = learner.client.post(PRACTICE_URL)

    assert response.status_code == 201
    practice = response.json()
    assert (practice["lesson"], practice["practice"], practice["hearts"]) == (
        lessons[0].id,
        True,
        0,
    )
    assert [e["id"] for e in practice["exercises"]] == [e["id"] for e in failed["exercises"]]
    assert all("key" not in e and "solution" not in e for e in practice["exercises"])

    # A mistake in practice costs nothing, and does not end it.
    exercise = Exercise.objects.get(id=practice["exercises"][0]["id"])
    wrong = learner.answer(practice["id"], exercise.id, wrong_answer(exercise)).json()
    assert (wrong["correct"], wrong["hearts"], wrong["session_status"]) == (False, 0, "active")

    learner.answer_all_right(practice)
    result = learner.complete(practice["id"]).json()

    assert result["hearts"] == 1
    assert hearts_get(user=user).count == 1
    assert result["xp_earned"] == 0
    assert not XpEvent.objects.filter(user=user).exists()
    # Practising the lesson is not passing it: it is still to be taken, and now can be.
    assert not LessonProgress.objects.filter(user=user).exists()
    assert learner.start(lessons[0]).status_code == 201


def test_practice_is_available_with_hearts_too(learner, user, enrolled, lessons):
    learner.start(lessons[0])

    response = learner.client.post(PRACTICE_URL)

    assert response.status_code == 201
    assert response.json()["hearts"] == settings.HEARTS_MAX


def test_a_learner_who_never_started_a_lesson_is_told_to_start_the_first_one(
    learner, enrolled, lessons
):
    response = learner.client.post(PRACTICE_URL)

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "nothing_to_practise"
    assert "first lesson" in error["message"]
    assert not LessonSession.objects.exists()
    # Which they can: they still have their hearts.
    assert learner.start(lessons[0]).status_code == 201


def test_practice_draws_on_the_lesson_of_the_latest_session(learner, user, enrolled, lessons):
    LessonProgressFactory(user=user, lesson=lessons[0])
    learner.start(lessons[0])
    learner.start(lessons[1])

    practice = learner.client.post(PRACTICE_URL).json()

    assert practice["lesson"] == lessons[1].id


def test_without_a_session_practice_draws_on_the_lesson_completed_last(learner, user, lessons):
    LessonProgressFactory(user=user, lesson=lessons[1])

    practice = learner.client.post(PRACTICE_URL).json()

    assert practice["lesson"] == lessons[1].id


def test_material_of_a_course_no_longer_published_is_not_practised(learner, user):
    _course, (lesson,) = build_path(((1,),), exercises=1, status="archived")
    LessonProgressFactory(user=user, lesson=lesson)

    response = learner.client.post(PRACTICE_URL)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "nothing_to_practise"


def test_practising_a_completed_lesson_pays_the_practice_xp(learner, user, enrolled, lessons):
    LessonProgressFactory(user=user, lesson=lessons[0])
    practice = learner.client.post(PRACTICE_URL).json()
    learner.answer_all_right(practice)

    result = learner.complete(practice["id"]).json()

    assert result["xp_earned"] == 3  # a third of 10
    assert list(XpEvent.objects.values_list("source", flat=True)) == ["practice"]


def test_practice_needs_authentication(api_client):
    assert api_client.post(PRACTICE_URL).status_code == 401


# --- The export --------------------------------------------------------------------------------


def test_the_export_counts_a_practice_run_as_a_practice_not_another_completion(
    learner, user, enrolled, lessons
):
    lesson_session = learner.start(lessons[0]).json()
    learner.answer_all_right(lesson_session)
    learner.complete(lesson_session["id"])
    practice = learner.client.post(PRACTICE_URL).json()
    learner.answer_all_right(practice)
    learner.complete(practice["id"])

    export = progress_export(user=user)

    (progress,) = export["lesson_progress"]
    assert (progress["times_completed"], progress["times_practised"]) == (1, 1)
    assert progress["last_practised_at"] is not None
    assert [s["practice"] for s in export["sessions"]] == [False, True]
    assert gamification_export(user=user)["stats"]["lessons_completed"] == 1


def test_the_export_of_a_failed_lesson_practised_holds_no_completion(learner, user, failed):
    practice = learner.client.post(PRACTICE_URL).json()
    learner.answer_all_right(practice)
    learner.complete(practice["id"])

    export = progress_export(user=user)

    assert export["lesson_progress"] == []
    assert [(s["status"], s["practice"]) for s in export["sessions"]] == [
        ("failed", False),
        ("passed", True),
    ]
    stats = gamification_export(user=user)["stats"]
    assert stats is None or stats["lessons_completed"] == 0
