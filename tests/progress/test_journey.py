"""A learner's first steps, end to end through the API: enrol, see the locks, take the first
lesson with a mistake and its correction, complete it, see the next lesson open, find the XP and
streak in the stats and the lesson's words in the review queue, then practise the lesson again."""

import pytest
from django.conf import settings

from courses.models import Exercise, Word
from tests.progress.factories import build_path, right_answer, wrong_answer

pytestmark = pytest.mark.django_db


def _statuses(course_body: dict) -> list[str]:
    return [
        lesson["status"]
        for section in course_body["sections"]
        for unit in section["units"]
        for lesson in unit["lessons"]
    ]


def test_a_learners_first_lesson(learner):
    # Given a course of two units, five exercises a lesson.
    course, (first, second, _third) = build_path(((2, 1),), exercises=5)
    taught = {
        Word.objects.create(course=course, lesson=first, text=text, translations=[meaning]).id
        for text, meaning in (("hola", "hello"), ("adiós", "goodbye"))
    }

    # The path: only the first lesson is open, and sessions need an enrolment.
    assert _statuses(learner.course(course).json()) == ["available", "locked", "locked"]
    assert learner.start(first).json()["error"]["code"] == "not_enrolled"
    assert learner.enroll(course).status_code == 201
    locked = learner.start(second)
    assert (locked.status_code, locked.json()["error"]["code"]) == (403, "lesson_locked")

    # The first lesson, without a solution in sight.
    started = learner.start(first)
    assert started.status_code == 201
    session = started.json()
    assert (session["practice"], session["hearts"]) == (False, settings.HEARTS_MAX)
    assert "answers" not in str(session) and "is_correct" not in str(session)

    # A mistake costs a heart and shows the solution; the rest goes right.
    missed = Exercise.objects.get(id=session["exercises"][0]["id"])
    verdict = learner.answer(session["id"], missed.id, wrong_answer(missed)).json()
    assert (verdict["correct"], verdict["hearts"]) == (False, settings.HEARTS_MAX - 1)
    assert verdict["solution"] == missed.answers[0]
    learner.answer_all_right(session, skip={missed.id})

    # Not done until the mistake is put right, as clients re-ask mistakes at the end.
    assert learner.complete(session["id"]).json()["error"]["code"] == "session_incomplete"
    corrected = learner.answer(session["id"], missed.id, right_answer(missed)).json()
    assert corrected["correct"] is True

    result = learner.complete(session["id"]).json()
    assert result["passed"] is True
    assert result["score"] == 80  # four of five right the first time
    assert result["xp_earned"] == first.xp_reward
    assert (result["streak"], result["streak_extended"]) == (1, True)
    assert result["next_lesson"]["id"] == second.id
    assert result["next_lesson"]["status"] == "available"

    # The path moved on, and the stats know.
    assert _statuses(learner.course(course).json()) == ["completed", "available", "locked"]
    stats = learner.stats().json()
    assert stats["total_xp"] == stats["xp_today"] == first.xp_reward
    assert (stats["streak"], stats["longest_streak"]) == (1, 1)
    assert stats["hearts"] == settings.HEARTS_MAX - 1

    # The lesson's words now wait in the review queue.
    due = learner.client.get("/api/v1/reviews/due/").json()
    assert due["count"] == len(taught)
    assert {row["word"]["id"] for row in due["results"]} == taught

    # Practising the lesson: a mistake costs nothing, finishing gives a heart back.
    practice = learner.start(first).json()
    assert practice["practice"] is True
    slip = Exercise.objects.get(id=practice["exercises"][-1]["id"])
    assert learner.answer(practice["id"], slip.id, wrong_answer(slip)).json()["hearts"] == (
        settings.HEARTS_MAX - 1
    )
    learner.answer_all_right(practice)
    practised = learner.complete(practice["id"]).json()
    assert (practised["passed"], practised["xp_earned"]) == (True, first.xp_reward // 3)
    assert practised["hearts"] == settings.HEARTS_MAX

    stats = learner.stats().json()
    assert stats["total_xp"] == first.xp_reward + first.xp_reward // 3
    assert (stats["streak"], stats["hearts"]) == (1, settings.HEARTS_MAX)

    # The second lesson, taken without a mistake, opens the next unit.
    session = learner.start(second).json()
    learner.answer_all_right(session)
    assert learner.complete(session["id"]).json()["score"] == 100
    assert _statuses(learner.course(course).json()) == ["completed", "completed", "available"]
