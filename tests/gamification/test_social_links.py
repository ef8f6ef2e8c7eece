"""What gamification and the social layer tell each other: feed items for achievements, the
achievements of a public profile, and follower counts that unlock the followers achievements."""

import pytest

from gamification.models import Achievement, AchievementMetric, LearnerStats, QuestTemplate
from gamification.rewards import rewards_collect
from gamification.services import followers_record
from social.models import FeedEvent, FeedEventKind
from social.registry import profile_fields
from social.services import follow_create
from tests.accounts.factories import UserFactory
from tests.gamification.factories import AchievementFactory, AchievementTierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _only_our_achievements():
    Achievement.objects.all().delete()
    QuestTemplate.objects.all().delete()


def _followers_ladder(*thresholds):
    achievement = AchievementFactory(metric=AchievementMetric.FOLLOWERS, slug="friendly")
    for level, threshold in enumerate(thresholds, start=1):
        AchievementTierFactory(achievement=achievement, level=level, threshold=threshold)
    return achievement


def test_an_unlocked_tier_becomes_an_item_of_the_feed(user):
    _followers_ladder(1)
    followers_record(user=user, count=1)

    rewards_collect(user=user)

    event = FeedEvent.objects.get(actor=user)
    assert event.kind == FeedEventKind.ACHIEVEMENT_UNLOCKED
    assert event.data == {
        "achievement": {"slug": "friendly", "name": event.data["achievement"]["name"]},
        "tier": 1,
    }


def test_a_profile_shows_each_achievement_at_its_highest_tier(user, django_assert_max_num_queries):
    _followers_ladder(1, 2, 5)
    others = UserFactory.create_batch(3)
    followers_record(user=user, count=2)
    rewards_collect(user=user)

    # One query per provider: stats (two), achievements, league.
    with django_assert_max_num_queries(4):
        fields = profile_fields(users=[user, *others])

    assert [(a["slug"], a["tier"]) for a in fields[user.pk]["achievements"]] == [("friendly", 2)]
    assert all(fields[other.pk]["achievements"] == [] for other in others)


@pytest.mark.django_db(transaction=True)
def test_a_new_follow_counts_toward_the_followers_achievement():
    _followers_ladder(1)
    followee, follower = UserFactory(), UserFactory()

    follow_create(follower=follower, username=followee.username)

    assert LearnerStats.objects.get(user=followee).followers == 1
    assert followee.unlocked_tiers.count() == 1
