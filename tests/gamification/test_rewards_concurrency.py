"""Racing requests unlock a tier and complete a quest once, and pay once, on PostgreSQL."""

from datetime import UTC, datetime

import pytest

from gamification.models import (
    Achievement,
    DailyQuest,
    GemTransaction,
    GemWallet,
    QuestTemplate,
    UnlockedTier,
)
from gamification.rewards import quests_get, rewards_collect
from gamification.services import lesson_completed_record
from tests.accounts.factories import UserFactory
from tests.gamification.factories import (
    AchievementFactory,
    AchievementTierFactory,
    QuestTemplateFactory,
)
from tests.gamification.test_concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = datetime(2025, 3, 10, 12, tzinfo=UTC)


def test_two_racing_steps_unlock_a_tier_and_complete_a_quest_once():
    Achievement.objects.all().delete()
    QuestTemplate.objects.all().delete()
    user = UserFactory()
    achievement = AchievementFactory(slug="scholar")
    AchievementTierFactory(achievement=achievement, level=1, threshold=1, reward_gems=5)
    QuestTemplateFactory(slug="one", kind="complete_lessons", goal=1, reward_gems=10)
    lesson_completed_record(user=user, perfect=False, at=NOW)
    quests_get(user=user, now=NOW)

    results = race(
        lambda: rewards_collect(user=user, at=NOW), lambda: rewards_collect(user=user, at=NOW)
    )

    assert sorted(len(result) for result in results) == [0, 2], results
    assert UnlockedTier.objects.filter(user=user).count() == 1
    assert DailyQuest.objects.filter(user=user, completed_at__isnull=False).count() == 1
    assert GemTransaction.objects.filter(wallet_id=user.pk).count() == 2
    assert GemWallet.objects.get(user=user).balance == 15


def test_two_racing_first_looks_draw_the_same_three_once():
    QuestTemplate.objects.all().delete()
    user = UserFactory()
    for n in range(6):
        QuestTemplateFactory(slug=f"q{n}")

    results = race(
        lambda: [q.slug for q in quests_get(user=user, now=NOW).quests],
        lambda: [q.slug for q in quests_get(user=user, now=NOW).quests],
    )

    assert results[0] == results[1]
    assert DailyQuest.objects.filter(user=user).count() == 3
