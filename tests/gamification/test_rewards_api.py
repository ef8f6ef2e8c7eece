"""GET me/achievements/, GET me/quests/, and the rewards of a lesson completion and of a review
answer."""

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from rest_framework.test import APIClient

from courses.models import Lesson, Word
from gamification.models import (
    Achievement,
    AchievementMetric,
    GemWallet,
    QuestTemplate,
    UnlockedTier,
)
from gamification.rewards import rewards_collect
from gamification.services import lesson_completed_record, review_done_record
from tests.accounts.factories import UserFactory
from tests.courses.factories import CourseFactory, WordFactory
from tests.gamification.factories import (
    AchievementFactory,
    AchievementTierFactory,
    QuestTemplateFactory,
)
from tests.progress.conftest import LearnerApi
from tests.progress.factories import EnrollmentFactory, build_path
from tests.srs.conftest import right_answer
from tests.srs.factories import ReviewCardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_lesson_gems(settings):
    # A lesson's own gems (first pass, perfect) are tested with the shop; here, only what the
    # achievements and quests unlock.
    settings.GEMS_LESSON_FIRST_PASS = settings.GEMS_PERFECT_LESSON = 0


NOW = datetime(2025, 3, 10, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _only_our_pools():
    Achievement.objects.all().delete()
    QuestTemplate.objects.all().delete()


def _achievements(count, *, tiers=3, metric=AchievementMetric.LESSONS_COMPLETED):
    for n in range(count):
        achievement = AchievementFactory(slug=f"a{n}", metric=metric, position=n)
        for level in range(1, tiers + 1):
            AchievementTierFactory(achievement=achievement, level=level, threshold=level)


# --- GET me/achievements/ ----------------------------------------------------------------------


def test_achievements_need_a_login(api_client):
    assert api_client.get("/api/v1/me/achievements/").status_code == 401
    assert api_client.get("/api/v1/me/quests/").status_code == 401


def test_achievements_list_the_callers_tier_and_progress(auth_client, user):
    achievement = AchievementFactory(
        slug="scholar", name="Scholar", description="Complete lessons", metric="lessons_completed"
    )
    AchievementTierFactory(achievement=achievement, level=1, threshold=1)
    AchievementTierFactory(achievement=achievement, level=2, threshold=5)
    lesson_completed_record(user=user, perfect=False, at=NOW)
    lesson_completed_record(user=user, perfect=False, at=NOW)
    rewards_collect(user=user, at=NOW)

    body = auth_client.get("/api/v1/me/achievements/").json()

    assert body == {
        "results": [
            {
                "slug": "scholar",
                "name": "Scholar",
                "description": "Complete lessons",
                "metric": "lessons_completed",
                "tier": 1,
                "progress": 2,
                "goal": 5,
                "unlocked_at": "2025-03-10T12:00:00Z",
            }
        ]
    }


def test_a_new_learner_sees_every_achievement_locked(auth_client):
    _achievements(2)

    results = auth_client.get("/api/v1/me/achievements/").json()["results"]

    assert [(r["slug"], r["tier"], r["progress"], r["goal"]) for r in results] == [
        ("a0", 0, 0, 1),
        ("a1", 0, 0, 1),
    ]


@pytest.mark.parametrize("count", [1, 40])
def test_achievements_cost_a_bounded_number_of_queries(
    auth_client, user, count, django_assert_max_num_queries
):
    _achievements(count, tiers=5)
    for _ in range(3):
        lesson_completed_record(user=user, perfect=True, at=NOW)
    rewards_collect(user=user, at=NOW)

    with django_assert_max_num_queries(6):
        response = auth_client.get("/api/v1/me/achievements/")

    assert len(response.json()["results"]) == count


# --- GET me/quests/ ----------------------------------------------------------------------------


def test_quests_are_three_of_the_callers_local_day_the_same_on_every_look(auth_client, user):
    for n in range(6):
        QuestTemplateFactory(slug=f"q{n}", kind="reviews", goal=2, reward_gems=5)
    user.timezone = "America/New_York"
    user.save()

    with freeze_time(datetime(2025, 3, 11, 3, tzinfo=UTC)):  # 23:00 on the 10th in New York
        review_done_record(user=user, at=datetime(2025, 3, 11, 3, tzinfo=UTC))
        first = auth_client.get("/api/v1/me/quests/").json()
        again = auth_client.get("/api/v1/me/quests/").json()

    assert first == again
    assert first["date"] == "2025-03-10"
    assert len(first["quests"]) == 3
    assert first["quests"][0] == {
        "slug": first["quests"][0]["slug"],
        "description": "Do 2 reviews",
        "progress": 1,
        "goal": 2,
        "reward_gems": 5,
        "completed_at": None,
    }


@pytest.mark.parametrize("history_days", [0, 60])
def test_quests_cost_a_bounded_number_of_queries(
    auth_client, user, history_days, django_assert_max_num_queries
):
    for n in range(30):
        QuestTemplateFactory(slug=f"q{n}")
    for day in range(history_days):
        at = NOW - timedelta(days=day + 1)
        lesson_completed_record(user=user, perfect=False, at=at)
        rewards_collect(user=user, at=at)

    with freeze_time(NOW), django_assert_max_num_queries(6):
        first = auth_client.get("/api/v1/me/quests/")
    with freeze_time(NOW), django_assert_max_num_queries(3):
        auth_client.get("/api/v1/me/quests/")

    assert len(first.json()["quests"]) == 3


# --- Rewards of a learning step ----------------------------------------------------------------


@pytest.fixture
def lesson_session(auth_client, user):
    course, lessons = build_path(((2,),), exercises=2)
    EnrollmentFactory(user=user, course=course)
    learner = LearnerApi(auth_client)
    session = learner.start(lessons[0]).json()
    learner.answer_all_right(session)
    return learner, session


def test_completing_a_lesson_returns_what_it_unlocked_and_a_replay_the_same(
    lesson_session, user, settings
):
    learner, session = lesson_session
    achievement = AchievementFactory(slug="scholar", name="Scholar")
    AchievementTierFactory(achievement=achievement, level=1, threshold=1, reward_gems=5)
    QuestTemplateFactory(
        slug="one-lesson",
        kind="complete_lessons",
        goal=1,
        reward_gems=10,
        description="Complete a lesson",
    )

    body = learner.complete(session["id"]).json()
    replay = learner.complete(session["id"]).json()

    assert body["rewards"] == [
        {
            "kind": "quest",
            "slug": "one-lesson",
            "name": "Complete a lesson",
            "tier": None,
            "gems": 10,
        },
        {"kind": "achievement", "slug": "scholar", "name": "Scholar", "tier": 1, "gems": 5},
    ]
    assert replay == body
    assert GemWallet.objects.get(user=user).balance == 15
    assert UnlockedTier.objects.filter(user=user).count() == 1


def test_a_completion_that_unlocks_nothing_has_empty_rewards(lesson_session):
    learner, session = lesson_session

    assert learner.complete(session["id"]).json()["rewards"] == []


def test_completing_counts_the_lessons_words_as_learned(lesson_session, user):
    learner, session = lesson_session
    achievement = AchievementFactory(slug="words", metric="words_learned")
    AchievementTierFactory(achievement=achievement, level=1, threshold=2)
    lesson = Lesson.objects.get(pk=session["lesson"])
    for n in range(2):
        Word.objects.create(course=lesson.course, lesson=lesson, text=f"w{n}")

    rewards = learner.complete(session["id"]).json()["rewards"]

    assert [(r["slug"], r["tier"]) for r in rewards] == [("words", 1)]


def test_a_review_answer_returns_what_it_unlocked(auth_client, user):
    achievement = AchievementFactory(slug="reviewer", name="Reviewer", metric="reviews_done")
    AchievementTierFactory(achievement=achievement, level=1, threshold=1, reward_gems=5)
    card = ReviewCardFactory(
        user=user,
        word=WordFactory(course=CourseFactory()),
        seen=True,
        due=datetime(2020, 1, 1, tzinfo=UTC),
    )

    response = auth_client.post(
        f"/api/v1/reviews/{card.pk}/answer/", {"answer": right_answer(card)}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["rewards"] == [
        {"kind": "achievement", "slug": "reviewer", "name": "Reviewer", "tier": 1, "gems": 5}
    ]


def test_the_schema_documents_rewards_and_the_new_endpoints():
    client = APIClient()
    schema = client.get("/api/schema/", {"format": "json"}).json()

    assert "/api/v1/me/achievements/" in schema["paths"]
    assert "/api/v1/me/quests/" in schema["paths"]
    reward = schema["components"]["schemas"]["Reward"]
    assert set(reward["properties"]) == {"kind", "slug", "name", "tier", "gems"}
    for name in ("SessionCompleteOutput", "AnswerOutput"):
        assert "rewards" in schema["components"]["schemas"][name]["properties"]


def test_another_learners_unlocks_are_not_shown(auth_client):
    other = UserFactory()
    _achievements(1)
    lesson_completed_record(user=other, perfect=False, at=NOW)
    rewards_collect(user=other, at=NOW)

    [result] = auth_client.get("/api/v1/me/achievements/").json()["results"]

    assert (result["tier"], result["progress"], result["unlocked_at"]) == (0, 0, None)
