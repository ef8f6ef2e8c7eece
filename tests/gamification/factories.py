from datetime import UTC, date, datetime, timedelta

import factory
from django.conf import settings

from gamification.models import (
    DailyXp,
    GemTransaction,
    GemWallet,
    Hearts,
    LearnerStats,
    Streak,
    XpEvent,
    XpSource,
)
from tests.accounts.factories import UserFactory


class XpEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = XpEvent

    user = factory.SubFactory(UserFactory)
    amount = 10
    source = XpSource.LESSON
    source_id = factory.Sequence(str)
    created_at = factory.LazyFunction(lambda: datetime(2025, 3, 10, 12, 0, tzinfo=UTC))
    local_date = factory.LazyAttribute(lambda o: o.created_at.astimezone(o.user.zone).date())


class DailyXpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DailyXp

    user = factory.SubFactory(UserFactory)
    date = factory.Sequence(lambda n: date(2025, 1, 1) + timedelta(days=n))
    xp = 10


class LearnerStatsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearnerStats

    user = factory.SubFactory(UserFactory)


class StreakFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Streak

    user = factory.SubFactory(UserFactory)
    current = 3
    longest = factory.LazyAttribute(lambda o: o.current)
    last_active_date = date(2025, 3, 10)


class HeartsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hearts

    user = factory.SubFactory(UserFactory)
    count = factory.LazyFunction(lambda: settings.HEARTS_MAX)
    refill_anchor = factory.LazyFunction(lambda: datetime(2025, 3, 10, 12, 0, tzinfo=UTC))


class GemWalletFactory(factory.django.DjangoModelFactory):
    """A wallet whose balance is the sum of the ledger rows it is made with (`credits`)."""

    class Meta:
        model = GemWallet
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    balance = 0

    @factory.post_generation
    def credits(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for amount in extracted:
            GemTransaction.objects.create(wallet=self, amount=amount, reason="factory")
        self.balance = sum(extracted)
        self.save(update_fields=["balance"])


# --- Achievements and daily quests -------------------------------------------------------------


class AchievementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "gamification.Achievement"

    slug = factory.Sequence(lambda n: f"achievement-{n}")
    name = factory.Sequence(lambda n: f"Achievement {n}")
    metric = "lessons_completed"


class AchievementTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "gamification.AchievementTier"

    achievement = factory.SubFactory(AchievementFactory)
    level = 1
    threshold = 1
    reward_gems = 5


class QuestTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "gamification.QuestTemplate"

    slug = factory.Sequence(lambda n: f"quest-{n}")
    kind = "complete_lessons"
    goal = 1
    reward_gems = 5
