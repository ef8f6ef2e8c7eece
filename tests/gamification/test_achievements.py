"""Achievements: each metric's counter unlocks its tiers, each tier once, paid once."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from gamification.models import (
    Achievement,
    AchievementMetric,
    GemTransaction,
    GemWallet,
    LearnerStats,
    QuestTemplate,
    Streak,
    UnlockedTier,
)
from gamification.rewards import (
    achievement_unlocked_hook_register,
    achievement_unlocked_hook_unregister,
    achievements_check,
    achievements_list,
    rewards_collect,
)
from gamification.services import (
    followers_record,
    gems_grant,
    league_finish_record,
    lesson_completed_record,
    review_done_record,
    words_learned_record,
    xp_award,
)
from tests.accounts.factories import UserFactory
from tests.gamification.factories import AchievementFactory, AchievementTierFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 10, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _only_our_achievements():
    # The seeded set would unlock alongside the ones a test makes.
    Achievement.objects.all().delete()
    QuestTemplate.objects.all().delete()


def _ladder(metric, *thresholds):
    achievement = AchievementFactory(metric=metric, slug=f"ach-{metric}")
    for level, threshold in enumerate(thresholds, start=1):
        AchievementTierFactory(
            achievement=achievement, level=level, threshold=threshold, reward_gems=level * 10
        )
    return achievement


def _streak_days(user, days):
    # Goes on from the last active day, so that calling it again extends the streak.
    last = Streak.objects.filter(user=user).values_list("last_active_date", flat=True).first()
    start = (last - NOW.date()).days + 1 if last else 0
    for day in range(start, start + days):
        lesson_completed_record(user=user, perfect=False, at=NOW + timedelta(days=day))


FEEDERS = {
    AchievementMetric.STREAK: _streak_days,
    AchievementMetric.TOTAL_XP: lambda user, n: xp_award(
        user=user, amount=n, source="bonus", source_id=uuid.uuid4().hex, at=NOW
    ),
    AchievementMetric.LESSONS_COMPLETED: lambda user, n: [
        lesson_completed_record(user=user, perfect=False, at=NOW) for _ in range(n)
    ],
    AchievementMetric.PERFECT_LESSONS: lambda user, n: [
        lesson_completed_record(user=user, perfect=True, at=NOW) for _ in range(n)
    ],
    AchievementMetric.REVIEWS_DONE: lambda user, n: [
        review_done_record(user=user, at=NOW) for _ in range(n)
    ],
    AchievementMetric.WORDS_LEARNED: lambda user, n: words_learned_record(user=user, count=n),
    # The social app sets the count it holds: n more than before.
    AchievementMetric.FOLLOWERS: lambda user, n: followers_record(
        user=user,
        count=n + LearnerStats.objects.filter(user=user).values_list("followers", flat=True).get(),
    )
    if LearnerStats.objects.filter(user=user).exists()
    else followers_record(user=user, count=n),
    AchievementMetric.LEAGUE_FINISHES: lambda user, n: [
        league_finish_record(user=user) for _ in range(n)
    ],
}


def test_every_metric_has_a_feeder_here():
    assert set(FEEDERS) == set(AchievementMetric)


@pytest.mark.parametrize("metric", list(AchievementMetric))
def test_each_metric_unlocks_the_tiers_its_counter_reaches_and_pays_them(user, metric):
    _ladder(metric, 2, 3, 5)

    FEEDERS[metric](user, 1)
    assert achievements_check(user=user, at=NOW) == []

    FEEDERS[metric](user, 2)  # 3 in all: the first two tiers
    rewards = achievements_check(user=user, at=NOW)

    assert [(r.kind, r.slug, r.tier, r.gems) for r in rewards] == [
        ("achievement", f"ach-{metric}", 1, 10),
        ("achievement", f"ach-{metric}", 2, 20),
    ]
    assert GemWallet.objects.get(user=user).balance == 30
    [progress] = achievements_list(user=user)
    assert (progress.tier, progress.progress, progress.goal) == (2, 3, 5)


def test_a_tier_unlocks_and_pays_once_however_often_checked(user):
    _ladder(AchievementMetric.LESSONS_COMPLETED, 1)
    lesson_completed_record(user=user, perfect=False, at=NOW)

    first = achievements_check(user=user, at=NOW)
    lesson_completed_record(user=user, perfect=False, at=NOW)
    again = achievements_check(user=user, at=NOW)

    assert len(first) == 1
    assert again == []
    assert UnlockedTier.objects.filter(user=user).count() == 1
    assert GemTransaction.objects.filter(wallet_id=user.pk).count() == 1
    assert GemWallet.objects.get(user=user).balance == 10


def test_a_streak_tier_stays_reached_after_the_streak_lapses(user):
    _ladder(AchievementMetric.STREAK, 3)
    _streak_days(user, 3)
    lesson_completed_record(user=user, perfect=False, at=NOW + timedelta(days=10))

    [reward] = achievements_check(user=user, at=NOW + timedelta(days=10))

    assert reward.tier == 1


def test_an_inactive_achievement_neither_unlocks_nor_shows(user):
    achievement = _ladder(AchievementMetric.LESSONS_COMPLETED, 1)
    achievement.active = False
    achievement.save()
    lesson_completed_record(user=user, perfect=False, at=NOW)

    assert achievements_check(user=user, at=NOW) == []
    assert achievements_list(user=user) == []


def test_a_tier_without_gems_unlocks_and_pays_nothing(user):
    achievement = AchievementFactory(metric=AchievementMetric.LESSONS_COMPLETED)
    AchievementTierFactory(achievement=achievement, threshold=1, reward_gems=0)
    lesson_completed_record(user=user, perfect=False, at=NOW)

    [reward] = achievements_check(user=user, at=NOW)

    assert reward.gems == 0
    assert not GemTransaction.objects.exists()


def test_the_list_shows_every_tier_done_with_the_last_goal(user):
    _ladder(AchievementMetric.REVIEWS_DONE, 1, 2)
    for _ in range(4):
        review_done_record(user=user, at=NOW)
    rewards_collect(user=user, at=NOW)

    [progress] = achievements_list(user=user)

    assert (progress.tier, progress.progress, progress.goal) == (2, 4, 2)
    assert progress.unlocked_at == NOW


def test_a_registered_hook_hears_each_unlock_once(user):
    heard = []
    achievement_unlocked_hook_register(
        "test", lambda *, user, achievement, tier, unlocked: heard.append(tier.level)
    )
    try:
        _ladder(AchievementMetric.LESSONS_COMPLETED, 1, 2)
        FEEDERS[AchievementMetric.LESSONS_COMPLETED](user, 2)
        achievements_check(user=user, at=NOW)
        achievements_check(user=user, at=NOW)
    finally:
        achievement_unlocked_hook_unregister("test")

    assert heard == [1, 2]


def test_gems_grant_pays_once_per_source(user):
    first = gems_grant(user=user, amount=7, reason="test", source="quest", source_id="1")
    again = gems_grant(user=user, amount=7, reason="test", source="quest", source_id="1")

    assert first.amount == 7
    assert again is None
    assert GemWallet.objects.get(user=user).balance == 7


def test_other_learners_progress_is_their_own():
    _ladder(AchievementMetric.LESSONS_COMPLETED, 1)
    one, other = UserFactory(), UserFactory()
    lesson_completed_record(user=one, perfect=False, at=NOW)

    assert len(achievements_check(user=one, at=NOW)) == 1
    assert achievements_check(user=other, at=NOW) == []
    assert achievements_list(user=other)[0].progress == 0


def test_the_seeded_set_covers_every_metric(django_db_blocker):
    # The autouse fixture emptied the table in this test's transaction; the migration's set is
    # checked through its data instead.
    from importlib import import_module

    seed = import_module("gamification.migrations.0007_seed_achievements")
    assert {row[3] for row in seed.ACHIEVEMENTS} == set(AchievementMetric.values)
    assert {row[1] for row in seed.QUESTS} >= {
        "earn_xp",
        "complete_lessons",
        "perfect_lessons",
        "reviews",
        "daily_goal",
    }
