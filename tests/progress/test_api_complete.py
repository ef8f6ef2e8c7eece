"""Completing a lesson session: POST sessions/{id}/complete/."""

import pytest
from django.conf import settings

from courses.models import Exercise, Word
from gamification.models import XpEvent
from gamification.selectors import gamification_export
from gamification.services import heart_lose, hearts_get
from progress.models import LessonProgress, LessonSession, SessionStatus
from progress.selectors import lesson_statuses_for
from srs.models import ReviewCard
from tests.accounts.factories import UserFactory
from tests.progress.factories import LessonProgressFactory, wrong_answer

pytestmark = pytest.mark.django_db


def _carded_words(user) -> set[int]:
    return set(ReviewCard.objects.filter(user=user).values_list("word_id", flat=True))


@pytest.fixture
def session(learner, enrolled, lessons) -> dict:
    return learner.start(lessons[0]).json()


def _with_mistakes(learner, session: dict, mistakes: int) -> None:
    """Answer the first `mistakes` exercises wrong, then everything right."""
    for item in session["exercises"][:mistakes]:
        exercise = Exercise.objects.get(id=item["id"])
        learner.answer(session["id"], item["id"], wrong_answer(exercise))
    learner.answer_all_right(session)


def test_completing_before_every_exercise_is_right_is_409_session_incomplete(learner, session):
    learner.answer_all_right(session, skip={session["exercises"][-1]["id"]})

    response = learner.complete(session["id"])

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "session_incomplete"
    assert LessonSession.objects.get(id=session["id"]).status == SessionStatus.ACTIVE


def test_a_wrong_answer_not_corrected_keeps_the_session_incomplete(learner, session):
    last = session["exercises"][-1]
    learner.answer_all_right(session, skip={last["id"]})
    learner.answer(session["id"], last["id"], wrong_answer(Exercise.objects.get(id=last["id"])))

    response = learner.complete(session["id"])

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "session_incomplete"


def test_a_perfect_session_passes_with_the_lessons_xp_and_unlocks_the_next_lesson(
    learner, user, session, lessons, course
):
    learner.answer_all_right(session)

    response = learner.complete(session["id"])

    assert response.status_code == 200
    body = response.json()
    # The first lesson reaches the seeded "scholar" achievement's first tier (see tests of
    # gamification.rewards for the rewards themselves).
    assert {"kind": "achievement", "slug": "scholar", "tier": 1}.items() <= next(
        reward for reward in body.pop("rewards") if reward["slug"] == "scholar"
    ).items()
    assert body == {
        "passed": True,
        "score": 100,
        "xp_earned": lessons[0].xp_reward,
        "streak": 1,
        "streak_extended": True,
        "hearts": settings.HEARTS_MAX,
        "practice": False,
        "next_lesson": {
            "id": lessons[1].id,
            "slug": lessons[1].slug,
            "title": lessons[1].title,
            "status": "available",
        },
    }
    assert lesson_statuses_for(user=user, course=course)[lessons[1].id] == "available"


def test_passing_records_the_lessons_progress(learner, user, session, lessons):
    learner.answer_all_right(session)

    learner.complete(session["id"])

    progress = LessonProgress.objects.get(user=user, lesson=lessons[0])
    assert (progress.best_score, progress.times_completed) == (100, 1)
    assert progress.first_completed_at == progress.last_completed_at
    assert LessonSession.objects.get(id=session["id"]).status == SessionStatus.PASSED


def test_passing_awards_the_xp_once_in_the_ledger_for_this_session(learner, user, session):
    learner.answer_all_right(session)

    learner.complete(session["id"])

    event = XpEvent.objects.get(user=user)
    assert (event.source, event.source_id) == ("lesson", str(session["id"]))
    assert learner.stats().json()["total_xp"] == event.amount


def test_the_score_counts_first_tries_only(learner, lessons, session):
    lessons[0].pass_score = 60
    lessons[0].save()
    _with_mistakes(learner, session, mistakes=1)

    response = learner.complete(session["id"])

    assert response.json()["score"] == 66  # 2 of 3 right on the first try, rounded down
    assert response.json()["passed"] is True


def test_a_score_under_the_pass_score_fails_and_records_nothing(
    learner, user, course, lessons, session
):
    Word.objects.create(course=course, lesson=lessons[0], text="uno")
    _with_mistakes(learner, session, mistakes=1)  # 66 < 80

    response = learner.complete(session["id"])

    body = response.json()
    assert (body["passed"], body["score"], body["xp_earned"], body["streak"]) == (
        False,
        66,
        0,
        0,
    )
    assert body["next_lesson"] is None
    assert not LessonProgress.objects.exists()
    assert not XpEvent.objects.exists()
    assert not _carded_words(user)
    assert LessonSession.objects.get(id=session["id"]).status == SessionStatus.FAILED
    assert lesson_statuses_for(user=user, course=course)[lessons[1].id] == "locked"


def test_a_failed_session_leaves_the_lesson_a_regular_one_to_retry(learner, lessons, session):
    _with_mistakes(learner, session, mistakes=2)
    learner.complete(session["id"])

    retry = learner.start(lessons[0])

    assert retry.status_code == 201
    assert retry.json()["practice"] is False


def test_completing_twice_returns_the_same_result_and_awards_nothing_more(
    learner, user, session, lessons
):
    learner.answer_all_right(session)
    first = learner.complete(session["id"])

    again = learner.complete(session["id"])

    assert again.status_code == 200
    assert again.json() == first.json()
    assert XpEvent.objects.filter(user=user).count() == 1
    assert LessonProgress.objects.get(user=user, lesson=lessons[0]).times_completed == 1


def test_completing_someone_elses_session_is_404(api_client, learner, session):
    learner.answer_all_right(session)
    api_client.force_authenticate(UserFactory())

    response = api_client.post(f"/api/v1/sessions/{session['id']}/complete/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "session_not_found"
    assert not XpEvent.objects.exists()


def test_a_session_that_ran_out_of_hearts_cannot_be_completed_409(learner, user, session):
    for _ in range(settings.HEARTS_MAX - 1):
        heart_lose(user=user)
    learner.answer_all_right(session, skip={session["exercises"][0]["id"]})
    first = Exercise.objects.get(id=session["exercises"][0]["id"])
    learner.answer(session["id"], first.id, wrong_answer(first))

    response = learner.complete(session["id"])

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "session_finished"
    assert not LessonProgress.objects.exists()


def test_passing_introduces_the_lessons_words_as_review_cards(
    learner, user, course, lessons, session
):
    taught = [
        Word.objects.create(course=course, lesson=lessons[0], text=text) for text in ("a", "b")
    ]
    Word.objects.create(course=course, lesson=lessons[1], text="later")
    Word.objects.create(course=course, lesson=None, text="unassigned")
    learner.answer_all_right(session)

    learner.complete(session["id"])

    assert _carded_words(user) == {w.id for w in taught}


def test_a_second_lesson_the_same_day_keeps_the_streak_without_extending_it(
    learner, user, lessons, session
):
    learner.answer_all_right(session)
    learner.complete(session["id"])
    second = learner.start(lessons[1]).json()
    learner.answer_all_right(second)

    response = learner.complete(second["id"])

    assert (response.json()["streak"], response.json()["streak_extended"]) == (1, False)


def test_a_perfect_lesson_is_counted_as_perfect(learner, user, lessons, session):
    learner.answer_all_right(session)
    learner.complete(session["id"])
    second = learner.start(lessons[1]).json()
    lessons[1].pass_score = 0
    lessons[1].save()
    _with_mistakes(learner, second, mistakes=1)
    learner.complete(second["id"])

    stats = gamification_export(user=user)["stats"]
    assert (stats["lessons_completed"], stats["perfect_lessons"]) == (2, 1)


def test_the_last_lesson_of_the_course_has_no_next_lesson(learner, user, lessons):
    for lesson in lessons[:2]:
        LessonProgressFactory(user=user, lesson=lesson)
    learner.enroll(lessons[0].course)
    session = learner.start(lessons[2]).json()
    learner.answer_all_right(session)

    response = learner.complete(session["id"])

    assert response.json()["passed"] is True
    assert response.json()["next_lesson"] is None


# --- Practice ----------------------------------------------------------------------------------


@pytest.fixture
def practice(learner, user, enrolled, lessons) -> dict:
    LessonProgressFactory(user=user, lesson=lessons[0], best_score=70, times_completed=1)
    session = learner.start(lessons[0]).json()
    assert session["practice"] is True
    return session


def test_practice_earns_a_third_of_the_xp_from_the_practice_source(learner, user, practice):
    learner.answer_all_right(practice)

    response = learner.complete(practice["id"])

    assert response.json()["xp_earned"] == 3  # a third of 10, rounded down
    assert response.json()["practice"] is True
    event = XpEvent.objects.get(user=user)
    assert (event.source, event.amount) == ("practice", 3)


def test_practice_xp_stops_at_the_daily_cap(learner, user, lessons, practice, settings):
    # Given a cap of 4 practice XP a day, and practice runs paying 3 each
    settings.PRACTICE_XP_DAILY_CAP = 4
    earned = []
    session = practice
    for _ in range(3):
        learner.answer_all_right(session)
        earned.append(learner.complete(session["id"]).json()["xp_earned"])
        session = learner.start(lessons[0]).json()

    # Then the second run is cut to what is left of the cap, and the third earns nothing
    assert earned == [3, 1, 0]
    assert sum(XpEvent.objects.filter(user=user).values_list("amount", flat=True)) == 4


def test_practice_xp_is_at_least_one(learner, lessons, practice):
    lessons[0].xp_reward = 2
    lessons[0].save()
    learner.answer_all_right(practice)

    assert learner.complete(practice["id"]).json()["xp_earned"] == 1


def test_finishing_practice_restores_a_heart(learner, user, practice):
    heart_lose(user=user)
    heart_lose(user=user)
    learner.answer_all_right(practice)

    response = learner.complete(practice["id"])

    assert response.json()["hearts"] == settings.HEARTS_MAX - 1
    assert hearts_get(user=user).count == settings.HEARTS_MAX - 1


def test_practice_counts_as_a_practice_not_another_completion_and_may_raise_the_best_score(
    learner, user, lessons, practice
):
    learner.answer_all_right(practice)

    learner.complete(practice["id"])

    progress = LessonProgress.objects.get(user=user, lesson=lessons[0])
    assert (progress.best_score, progress.times_completed, progress.times_practised) == (100, 1, 1)
    assert progress.last_completed_at == progress.first_completed_at
    assert progress.last_practised_at > progress.first_completed_at
    stats = gamification_export(user=user)["stats"]
    assert (stats["lessons_completed"], stats["perfect_lessons"]) == (0, 0)


def test_a_worse_practice_score_keeps_the_best_score(learner, user, lessons, practice):
    lessons[0].pass_score = 0
    lessons[0].save()
    _with_mistakes(learner, practice, mistakes=3)

    learner.complete(practice["id"])

    assert LessonProgress.objects.get(user=user, lesson=lessons[0]).best_score == 70


def test_a_practice_finished_under_the_pass_score_earns_no_xp_but_restores_a_heart(
    learner, user, practice
):
    # Practice is how a learner without hearts earns one back: finishing it is what counts.
    heart_lose(user=user)
    _with_mistakes(learner, practice, mistakes=3)

    response = learner.complete(practice["id"])

    assert (response.json()["passed"], response.json()["xp_earned"]) == (False, 0)
    assert response.json()["hearts"] == settings.HEARTS_MAX
    assert hearts_get(user=user).count == settings.HEARTS_MAX
    assert not XpEvent.objects.exists()


def test_two_sessions_started_before_the_first_completion_pay_full_xp_once(learner, user, lessons):
    learner.enroll(lessons[0].course)
    first = learner.start(lessons[0]).json()
    second = learner.start(lessons[0]).json()
    for session in (first, second):
        learner.answer_all_right(session)

    earned = [learner.complete(s["id"]).json()["xp_earned"] for s in (first, second)]

    assert earned == [10, 3]
    assert list(XpEvent.objects.order_by("id").values_list("source", flat=True)) == [
        "lesson",
        "practice",
    ]
    assert LessonProgress.objects.get(user=user, lesson=lessons[0]).times_completed == 2


def test_a_lesson_worth_no_xp_passes_without_an_award(learner, lessons, session):
    lessons[0].xp_reward = 0
    lessons[0].save()
    learner.answer_all_right(session)

    response = learner.complete(session["id"])

    assert (response.json()["passed"], response.json()["xp_earned"]) == (True, 0)
    assert not XpEvent.objects.exists()
