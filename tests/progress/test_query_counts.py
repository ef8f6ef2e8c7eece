"""A session request costs the same number of queries for a lesson of 3 exercises or of 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from courses.models import Exercise, Word
from gamification.models import Achievement, QuestTemplate
from gamification.services import xp_award
from tests.accounts.factories import UserFactory
from tests.progress.conftest import LearnerApi
from tests.progress.factories import EnrollmentFactory, build_path, right_answer, wrong_answer

pytestmark = pytest.mark.django_db

SIZES = [3, 30]
# Measured ceilings, with a little room; the point is that they hold for both sizes.
# pytest-django counts SAVEPOINT and RELEASE too: the gamification services nest transactions.
START_QUERIES = 12
# Answering (measured exactly, counting its SAVEPOINT and RELEASE): right, the locked session, the
# earlier answers to the exercise with the hearts (one statement) and the insert; wrong adds the
# heart taken (the first one lost also creates the hearts row).
ANSWER_QUERIES = {True: 5, False: 12}
# Completing also pays a lesson's gems (a locked wallet and a ledger row, twice for a perfect
# first pass), looks for a running XP boost, writes the feed item of a first completion, and
# checks daily quests and achievements (gamification.rewards); the first XP of the week also
# puts the learner in a league cohort (opening one here).
COMPLETE_QUERIES = 82


@pytest.fixture(autouse=True)
def _no_reward_pools():
    # What a completion unlocks depends on the learner (a quest draw) and on the words of the
    # lesson (words learned), not on the number of exercises measured here; the cost of rewards
    # is measured in tests/gamification/test_rewards_api.py.
    Achievement.objects.all().delete()
    QuestTemplate.objects.all().delete()


def _lesson(user, size):
    course, lessons = build_path(((2,),), exercises=size)
    EnrollmentFactory(user=user, course=course)
    for n in range(size):
        Word.objects.create(course=course, lesson=lessons[0], text=f"word{n}")
    return lessons[0]


def _count(request, *args) -> int:
    with CaptureQueriesContext(connection) as queries:
        request(*args)
    return len(queries)


@pytest.mark.parametrize("size", SIZES)
def test_starting_a_session(learner, user, size, django_assert_max_num_queries):
    lesson = _lesson(user, size)

    with django_assert_max_num_queries(START_QUERIES):
        response = learner.start(lesson)

    assert response.status_code == 201
    assert len(response.json()["exercises"]) == size


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("right", [True, False], ids=["right", "wrong"])
def test_answering(learner, user, size, right, django_assert_max_num_queries):
    session = learner.start(_lesson(user, size)).json()
    exercise = Exercise.objects.get(id=session["exercises"][-1]["id"])
    answer = right_answer(exercise) if right else wrong_answer(exercise)

    with django_assert_max_num_queries(ANSWER_QUERIES[right]):
        response = learner.answer(session["id"], exercise.id, answer)

    assert response.json()["correct"] is right


@pytest.mark.parametrize("size", SIZES)
def test_completing(learner, user, size, django_assert_max_num_queries):
    session = learner.start(_lesson(user, size)).json()
    learner.answer_all_right(session)

    with django_assert_max_num_queries(COMPLETE_QUERIES):
        response = learner.complete(session["id"])

    assert response.json()["passed"] is True


def test_each_session_request_costs_exactly_as_much_for_30_exercises_as_for_3():
    counts = {}
    # Both learners then join this cohort with their first XP of the week (opening one costs a
    # few more queries than joining one, whatever the lesson).
    xp_award(user=UserFactory(), amount=1, source="bonus", source_id="cohort")
    for size in SIZES:
        # A learner each, so that both runs create the same first rows (hearts, streak, stats).
        user = UserFactory()
        client = APIClient()
        client.force_authenticate(user)
        learner = LearnerApi(client)
        lesson = _lesson(user, size)
        lesson.pass_score = 0
        lesson.save()
        start_count = _count(learner.start, lesson)
        session = learner.start(lesson).json()
        exercise = Exercise.objects.get(id=session["exercises"][0]["id"])
        wrong_count = _count(learner.answer, session["id"], exercise.id, wrong_answer(exercise))
        learner.answer_all_right(session)
        complete_count = _count(learner.complete, session["id"])
        counts[size] = (start_count, wrong_count, complete_count)

    assert counts[3] == counts[30]
