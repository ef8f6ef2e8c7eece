"""Starting a lesson session and answering its exercises: POST lessons/{id}/sessions/ and
POST sessions/{id}/answers/."""

import json
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.db.models import F

from courses.models import Exercise, Word
from exercises.grading import ExerciseType
from gamification.models import Hearts
from gamification.services import heart_lose, hearts_get
from progress.models import LessonSession, SessionAnswer, SessionStatus
from tests.accounts.factories import UserFactory
from tests.progress.factories import (
    EnrollmentFactory,
    LessonProgressFactory,
    add_exercise,
    add_exercises,
    build_path,
    right_answer,
    wrong_answer,
)

pytestmark = pytest.mark.django_db

SOLUTION_KEYS = {"answers", "correct", "is_correct", "pairs", "solution", "key", "explanation"}


def _keys_anywhere(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys_anywhere(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys_anywhere(v)}
    return set()


def _drain_hearts(user, leave: int = 0) -> None:
    for _ in range(settings.HEARTS_MAX - leave):
        heart_lose(user=user)


def _enrolled_lesson(user, *, exercises: int):
    """The only lesson of a new course the learner is enrolled in."""
    course, (lesson,) = build_path(((1,),), exercises=exercises)
    EnrollmentFactory(user=user, course=course)
    return lesson


def _exercise(session: dict, kind: ExerciseType) -> tuple[dict, Exercise]:
    item = next(e for e in session["exercises"] if e["type"] == kind)
    return item, Exercise.objects.get(id=item["id"])


# --- Starting ----------------------------------------------------------------------------------


def test_starting_the_first_lesson_returns_its_exercises_in_order(learner, enrolled, lessons):
    response = learner.start(lessons[0])

    assert response.status_code == 201
    body = response.json()
    assert body["lesson"] == lessons[0].id
    assert body["practice"] is False
    assert body["hearts"] == settings.HEARTS_MAX
    assert [e["id"] for e in body["exercises"]] == list(
        lessons[0].exercises.order_by("position").values_list("id", flat=True)
    )
    assert LessonSession.objects.get(id=body["id"]).status == SessionStatus.ACTIVE


def test_a_session_shows_each_type_what_it_needs(learner, user):
    lesson = _enrolled_lesson(user, exercises=5)

    body = learner.start(lesson).json()

    choice, exercise = _exercise(body, ExerciseType.MULTIPLE_CHOICE)
    assert [o["text"] for o in choice["options"]] == ["perro", "gato", "casa"]
    assert [o["id"] for o in choice["options"]] == list(
        exercise.options.order_by("position").values_list("id", flat=True)
    )
    bank, exercise = _exercise(body, ExerciseType.WORD_BANK)
    assert sorted(bank["tiles"]) == sorted(exercise.tiles)
    pairs, exercise = _exercise(body, ExerciseType.MATCH_PAIRS)
    assert pairs["left"] == [left for left, _ in exercise.pairs]
    assert sorted(pairs["right"]) == sorted(right for _, right in exercise.pairs)
    translate, exercise = _exercise(body, ExerciseType.TRANSLATE)
    assert translate["prompt"] == exercise.prompt
    assert {"id", "type", "prompt", "hint", "audio", "image"} <= set(translate)


def test_no_solution_or_correct_flag_leaves_the_server_at_start(learner, user):
    lesson = _enrolled_lesson(user, exercises=5)

    body = learner.start(lesson).json()

    assert {e["type"] for e in body["exercises"]} == {t.value for t in ExerciseType} - {
        ExerciseType.LISTEN_TYPE
    }
    assert not _keys_anywhere(body) & SOLUTION_KEYS
    assert "gato" not in str([e.get("tiles") for e in body["exercises"]])  # sanity: no answer
    assert "Good morning" not in str(body)


def test_tiles_and_right_pairs_are_shuffled_the_same_way_throughout_a_session(learner, user):
    lesson = _enrolled_lesson(user, exercises=0)
    bank = add_exercise(lesson, ExerciseType.WORD_BANK, position=0)
    bank.tiles = [f"tile{i}" for i in range(12)]
    bank.save()
    add_exercise(lesson, ExerciseType.MATCH_PAIRS, position=1)
    body = learner.start(lesson).json()
    session = LessonSession.objects.get(id=body["id"])

    # The same seed gives the same order; sessions differ from one another.
    again = [learner.start(lesson).json()["exercises"][0]["tiles"] for _ in range(3)]
    assert body["exercises"][0]["tiles"] == session.exercises[0]["tiles"]
    assert any(tiles != body["exercises"][0]["tiles"] for tiles in again)
    assert sorted(body["exercises"][0]["tiles"]) == sorted(bank.tiles)


def test_two_tiles_or_two_pairs_never_come_in_the_solutions_order(learner, user):
    lesson = _enrolled_lesson(user, exercises=0)
    bank = add_exercise(lesson, ExerciseType.WORD_BANK, position=0)
    bank.answers, bank.tiles = ["hola amigo"], ["hola", "amigo"]
    bank.save()
    pairs = add_exercise(lesson, ExerciseType.MATCH_PAIRS, position=1)
    pairs.pairs = [["gato", "cat"], ["perro", "dog"]]
    pairs.save()

    # With two items a plain shuffle keeps the order half the time: 20 sessions would show it.
    for _ in range(20):
        tiles, matching = learner.start(lesson).json()["exercises"]
        assert tiles["tiles"] == ["amigo", "hola"]
        assert matching["right"] == ["dog", "cat"]


def test_starting_without_enrolment_is_403_not_enrolled(learner, lessons):
    response = learner.start(lessons[0])

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_enrolled"
    assert not LessonSession.objects.exists()


def test_starting_a_locked_lesson_is_403_lesson_locked(learner, enrolled, lessons):
    response = learner.start(lessons[1])

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "lesson_locked"
    assert not LessonSession.objects.exists()


def test_starting_without_hearts_is_403_no_hearts(learner, user, enrolled, lessons):
    _drain_hearts(user)

    response = learner.start(lessons[0])

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "no_hearts"
    assert not LessonSession.objects.exists()


def test_starting_a_completed_lesson_opens_a_practice_session_even_without_hearts(
    learner, user, enrolled, lessons
):
    LessonProgressFactory(user=user, lesson=lessons[0])
    _drain_hearts(user)

    response = learner.start(lessons[0])

    assert response.status_code == 201
    assert response.json()["practice"] is True
    assert response.json()["hearts"] == 0


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_a_lesson_of_an_unpublished_course_is_404(learner, user, status):
    course, lessons = build_path(((1,),), status=status)
    EnrollmentFactory(user=user, course=course)

    response = learner.start(lessons[0])

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "lesson_not_found"


def test_an_unknown_lesson_is_404(learner):
    response = learner.start(type("L", (), {"id": 999_999})())

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "lesson_not_found"


def test_a_lesson_without_exercises_cannot_be_started(learner, user):
    empty = _enrolled_lesson(user, exercises=0)

    response = learner.start(empty)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "lesson_empty"


def test_starting_needs_authentication(api_client, lessons):
    response = api_client.post(f"/api/v1/lessons/{lessons[0].id}/sessions/")

    assert response.status_code == 401


# --- Answering ---------------------------------------------------------------------------------


@pytest.fixture
def session(learner, enrolled, lessons) -> dict:
    return learner.start(lessons[0]).json()


def _first(session: dict) -> tuple[int, Exercise]:
    exercise_id = session["exercises"][0]["id"]
    return exercise_id, Exercise.objects.get(id=exercise_id)


def test_a_right_answer_is_correct_and_costs_nothing(learner, session):
    exercise_id, exercise = _first(session)

    response = learner.answer(session["id"], exercise_id, right_answer(exercise))

    assert response.status_code == 200
    assert response.json() == {
        "correct": True,
        "solution": exercise.answers[0],
        "feedback": "",
        "hearts": settings.HEARTS_MAX,
        "session_status": "active",
    }


def test_a_right_answer_reports_the_hearts_left_and_those_refilled_since(learner, user, session):
    items = session["exercises"]
    _drain_hearts(user, leave=2)
    first = Exercise.objects.get(id=items[0]["id"])

    assert learner.answer(session["id"], first.id, right_answer(first)).json()["hearts"] == 2

    Hearts.objects.filter(user=user).update(
        refill_anchor=F("refill_anchor") - timedelta(minutes=settings.HEARTS_REFILL_MINUTES)
    )
    second = Exercise.objects.get(id=items[1]["id"])
    body = learner.answer(session["id"], second.id, right_answer(second)).json()
    assert body["hearts"] == 3
    assert (
        SessionAnswer.objects.get(session_id=session["id"], exercise_id=second.id).hearts_after == 3
    )


def test_a_wrong_answer_costs_a_heart_and_shows_the_solution(learner, user, session):
    exercise_id, exercise = _first(session)

    response = learner.answer(session["id"], exercise_id, wrong_answer(exercise))

    body = response.json()
    assert body["correct"] is False
    assert body["solution"] == exercise.answers[0]
    assert exercise.answers[0] in body["feedback"]
    assert body["hearts"] == settings.HEARTS_MAX - 1
    assert hearts_get(user=user).count == settings.HEARTS_MAX - 1


def test_a_near_miss_is_accepted_with_feedback(learner, session):
    exercise_id, _ = _first(session)  # "Good morning"

    response = learner.answer(session["id"], exercise_id, {"text": "good mornin"})

    assert response.json()["correct"] is True
    assert response.json()["feedback"]


def test_match_pairs_solution_is_the_pairs(learner, user):
    lesson = _enrolled_lesson(user, exercises=0)
    exercise = add_exercise(lesson, ExerciseType.MATCH_PAIRS, position=0)
    session = learner.start(lesson).json()

    response = learner.answer(session["id"], exercise.id, wrong_answer(exercise))

    assert response.json()["solution"] == exercise.pairs


def test_a_wrong_exercise_can_be_answered_again_and_only_the_first_try_counts_for_score(
    learner, session
):
    exercise_id, exercise = _first(session)
    learner.answer(session["id"], exercise_id, wrong_answer(exercise))

    response = learner.answer(session["id"], exercise_id, right_answer(exercise))

    assert response.json()["correct"] is True
    assert response.json()["hearts"] == settings.HEARTS_MAX - 1  # read beside the earlier try
    tries = SessionAnswer.objects.filter(session_id=session["id"]).order_by("id")
    assert [(a.correct, a.first_try) for a in tries] == [(False, True), (True, False)]


def test_an_exercise_not_in_the_session_is_400(learner, session, lessons):
    other = lessons[1].exercises.first()

    response = learner.answer(session["id"], other.id, right_answer(other))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "exercise_not_in_session"
    assert not SessionAnswer.objects.exists()


@pytest.mark.parametrize(
    "payload", [{"option": 1}, {"text": 42}, {"text": "x" * 501}, {}, {"pairs": "nope"}]
)
def test_a_malformed_answer_is_400_invalid_answer_and_writes_nothing(
    learner, user, session, payload
):
    exercise_id, _ = _first(session)  # a translate exercise wants {"text": "..."}

    response = learner.answer(session["id"], exercise_id, payload)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_answer"
    assert not SessionAnswer.objects.exists()
    assert hearts_get(user=user).count == settings.HEARTS_MAX


@pytest.mark.parametrize(
    "payload",
    [
        {"text": "Good\u0000 morning"},
        {"text": "Good morning\ud800"},
        {"text": "Good morning", "typed_in\u0000": 1200},
        {"text": "Good morning", "keys": ["\udfff"]},
    ],
    ids=["nul", "lone-surrogate", "nul-in-a-key", "lone-surrogate-nested"],
)
def test_an_answer_postgresql_cannot_store_is_400_and_writes_nothing(
    learner, user, session, payload
):
    # Valid JSON that jsonb refuses: stored as is, it was a 500 on PostgreSQL.
    exercise_id, _ = _first(session)
    body = json.dumps({"exercise": exercise_id, "answer": payload})  # escapes the surrogates

    response = learner.client.post(
        f"/api/v1/sessions/{session['id']}/answers/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "answer" in response.json()["error"]["fields"]
    assert not SessionAnswer.objects.exists()
    assert hearts_get(user=user).count == settings.HEARTS_MAX


@pytest.mark.parametrize("payload", [["text"], "Good morning", None])
def test_an_answer_that_is_not_an_object_is_a_validation_error(learner, session, payload):
    exercise_id, _ = _first(session)

    response = learner.answer(session["id"], exercise_id, payload)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "answer" in response.json()["error"]["fields"]


def test_someone_elses_session_is_404(api_client, session):
    exercise_id, exercise = _first(session)
    api_client.force_authenticate(UserFactory())

    response = api_client.post(
        f"/api/v1/sessions/{session['id']}/answers/",
        {"exercise": exercise_id, "answer": right_answer(exercise)},
        format="json",
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "session_not_found"
    assert not SessionAnswer.objects.exists()


@pytest.mark.parametrize("session_id", [0, 2**63, 10**30])
@pytest.mark.parametrize("action", ["answers", "complete", ""])
def test_a_session_id_no_row_could_have_is_404(learner, session_id, action):
    path = f"/api/v1/sessions/{session_id}/{action + '/' if action else ''}"
    body = {"exercise": 1, "answer": {"text": "x"}} if action == "answers" else {}

    response = (learner.client.get if not action else learner.client.post)(
        path, body, format="json"
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "session_not_found"


def test_an_unknown_session_is_404(learner):
    response = learner.answer(999_999, 1, {"text": "x"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "session_not_found"


def test_the_same_client_id_twice_returns_the_first_verdict_and_changes_nothing(
    learner, user, session
):
    exercise_id, exercise = _first(session)
    client_id = uuid.uuid4()
    first = learner.answer(session["id"], exercise_id, wrong_answer(exercise), client_id)

    # The retry even carries another answer: the first one stands.
    again = learner.answer(session["id"], exercise_id, right_answer(exercise), client_id)

    assert again.status_code == 200
    assert again.json() == first.json()
    assert SessionAnswer.objects.count() == 1
    assert hearts_get(user=user).count == settings.HEARTS_MAX - 1


def test_different_client_ids_are_different_answers(learner, session):
    exercise_id, exercise = _first(session)

    learner.answer(session["id"], exercise_id, wrong_answer(exercise), uuid.uuid4())
    learner.answer(session["id"], exercise_id, wrong_answer(exercise), uuid.uuid4())

    assert SessionAnswer.objects.count() == 2


def test_losing_the_last_heart_ends_the_session_failed(learner, user, session):
    _drain_hearts(user, leave=1)
    exercise_id, exercise = _first(session)

    response = learner.answer(session["id"], exercise_id, wrong_answer(exercise))

    assert response.json()["hearts"] == 0
    assert response.json()["session_status"] == "failed"
    assert LessonSession.objects.get(id=session["id"]).status == SessionStatus.FAILED


def test_a_session_that_ran_out_of_hearts_refuses_more_answers_409(learner, user, session):
    _drain_hearts(user, leave=1)
    exercise_id, exercise = _first(session)
    learner.answer(session["id"], exercise_id, wrong_answer(exercise))

    response = learner.answer(session["id"], exercise_id, right_answer(exercise))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "session_finished"
    assert SessionAnswer.objects.count() == 1


def test_a_mistake_after_hearts_were_spent_elsewhere_ends_the_session(learner, user, session):
    # Given the hearts lost in another session after this one started.
    _drain_hearts(user)
    exercise_id, exercise = _first(session)

    response = learner.answer(session["id"], exercise_id, wrong_answer(exercise))

    assert response.status_code == 200
    assert response.json()["hearts"] == 0
    assert response.json()["session_status"] == "failed"


def test_a_right_answer_is_accepted_even_at_zero_hearts(learner, user, session):
    _drain_hearts(user)
    exercise_id, exercise = _first(session)

    response = learner.answer(session["id"], exercise_id, right_answer(exercise))

    assert response.json()["correct"] is True
    assert response.json()["session_status"] == "active"


def test_in_practice_a_mistake_costs_no_heart(learner, user, enrolled, lessons):
    LessonProgressFactory(user=user, lesson=lessons[0])
    session = learner.start(lessons[0]).json()
    exercise_id, exercise = _first(session)

    response = learner.answer(session["id"], exercise_id, wrong_answer(exercise))

    assert response.json()["correct"] is False
    assert response.json()["hearts"] == settings.HEARTS_MAX
    assert hearts_get(user=user).count == settings.HEARTS_MAX


def test_practice_at_zero_hearts_goes_on_after_mistakes(learner, user, enrolled, lessons):
    LessonProgressFactory(user=user, lesson=lessons[0])
    _drain_hearts(user)
    session = learner.start(lessons[0]).json()
    exercise_id, exercise = _first(session)

    learner.answer(session["id"], exercise_id, wrong_answer(exercise))
    response = learner.answer(session["id"], exercise_id, wrong_answer(exercise))

    assert response.status_code == 200
    assert response.json()["session_status"] == "active"


# --- Snapshot ----------------------------------------------------------------------------------


def test_a_running_session_grades_against_its_snapshot_after_the_exercise_changes(learner, session):
    exercise_id, exercise = _first(session)
    old_answer = right_answer(exercise)
    exercise.answers = ["Something else entirely"]
    exercise.prompt = "Changed"
    exercise.save()

    response = learner.answer(session["id"], exercise_id, old_answer)

    assert response.json()["correct"] is True
    assert response.json()["solution"] == old_answer["text"]


def test_a_running_session_survives_the_exercise_being_deleted(learner, session):
    exercise_id, exercise = _first(session)
    answer = right_answer(exercise)
    exercise.delete()

    response = learner.answer(session["id"], exercise_id, answer)

    assert response.json()["correct"] is True


def test_a_new_session_sees_the_edited_exercise(learner, session, lessons):
    _, exercise = _first(session)
    exercise.prompt = "Changed"
    exercise.save()

    fresh = learner.start(lessons[0]).json()

    assert fresh["exercises"][0]["prompt"] == "Changed"


def test_a_multiple_choice_snapshot_keeps_its_correct_option_after_an_edit(learner, user):
    lesson = _enrolled_lesson(user, exercises=0)
    exercise = add_exercise(lesson, ExerciseType.MULTIPLE_CHOICE, position=0)
    session = learner.start(lesson).json()
    was_right = right_answer(exercise)
    exercise.options.update(is_correct=False)
    exercise.options.filter(text="casa").update(is_correct=True)

    response = learner.answer(session["id"], exercise.id, was_right)

    assert response.json() | {"hearts": None} == {
        "correct": True,
        "solution": "gato",
        "feedback": "",
        "hearts": None,
        "session_status": "active",
    }


@pytest.mark.parametrize("stranger", ["other", "unknown", "long"])
def test_an_option_that_is_not_the_exercises_is_400_invalid_answer_and_costs_nothing(
    learner, user, stranger
):
    lesson = _enrolled_lesson(user, exercises=0)
    exercise = add_exercise(lesson, ExerciseType.MULTIPLE_CHOICE, position=0)
    other = add_exercise(lesson, ExerciseType.MULTIPLE_CHOICE, position=1)
    session = learner.start(lesson).json()
    chosen = {
        "other": other.options.filter(is_correct=False).first().id,  # another exercise's
        "unknown": 999_999_999,
        "long": "9" * 400,
    }[stranger]

    response = learner.answer(session["id"], exercise.id, {"option": chosen})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_answer"
    assert "is not one of this exercise's options" in error["message"]
    assert not SessionAnswer.objects.exists()
    assert hearts_get(user=user).count == settings.HEARTS_MAX


def test_an_option_id_sent_as_a_string_is_graded(learner, user):
    lesson = _enrolled_lesson(user, exercises=0)
    exercise = add_exercise(lesson, ExerciseType.MULTIPLE_CHOICE, position=0)
    session = learner.start(lesson).json()
    wrong = exercise.options.filter(is_correct=False).first()

    response = learner.answer(session["id"], exercise.id, {"option": f" {wrong.id} "})

    assert response.status_code == 200
    assert response.json()["correct"] is False


def test_a_listening_exercise_carries_its_audio_url(learner, user, settings):
    lesson = _enrolled_lesson(user, exercises=0)
    listen = add_exercise(lesson, ExerciseType.TRANSLATE, position=0)
    listen.type = ExerciseType.LISTEN_TYPE
    listen.prompt = ""
    listen.audio.name = "exercises/audio/hola.mp3"
    listen.save()

    body = learner.start(lesson).json()

    (item,) = body["exercises"]
    assert item["type"] == "listen_type"
    assert item["audio"] == f"{settings.MEDIA_URL}exercises/audio/hola.mp3"
    assert item["image"] is None
    assert "Good morning" not in str(body)


def test_an_exercise_whose_key_cannot_be_graded_is_409_exercise_broken_not_a_500(
    learner, user, session
):
    exercise_id, exercise = _first(session)
    stored = LessonSession.objects.get(id=session["id"])
    stored.exercises[0]["key"]["answers"] = []  # as if published with no accepted answer
    stored.save()

    response = learner.answer(session["id"], exercise_id, right_answer(exercise))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "exercise_broken"
    assert not SessionAnswer.objects.exists()


# --- answer_language ----------------------------------------------------------------------------


def test_every_exercise_of_a_session_says_which_language_it_is_answered_in(
    learner, user, enrolled, lessons
):
    translate, choice, word_bank, match_pairs, fill_blank = add_exercises(lessons[2], 5)
    buenos = Word.objects.create(course=lessons[2].course, lesson=lessons[2], text="buenos")
    translate.words.add(buenos)  # the prompt "Buenos días" holds the word: answered in English
    word_bank.answer_language = "en"  # stated by the editor, whatever the rule says
    word_bank.save()
    for lesson in lessons[:2]:
        LessonProgressFactory(user=user, lesson=lesson)

    session = learner.start(lessons[2]).json()

    languages = {item["id"]: item["answer_language"] for item in session["exercises"]}
    assert languages[translate.id] == "en"
    assert languages[word_bank.id] == "en"
    assert languages[choice.id] == languages[match_pairs.id] == languages[fill_blank.id] == "es"
