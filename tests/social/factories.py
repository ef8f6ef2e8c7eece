import factory
from django.utils.timezone import now

from social.models import Block, FeedEvent, FeedEventKind, Follow
from tests.accounts.factories import UserFactory


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    follower = factory.SubFactory(UserFactory)
    followee = factory.SubFactory(UserFactory)


class BlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Block

    blocker = factory.SubFactory(UserFactory)
    blocked = factory.SubFactory(UserFactory)


class FeedEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedEvent

    actor = factory.SubFactory(UserFactory)
    kind = FeedEventKind.STREAK_MILESTONE
    data = factory.LazyFunction(lambda: {"days": 7})
    created_at = factory.LazyFunction(now)
