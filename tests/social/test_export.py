"""Social data is in the account export and goes with the account."""

import pytest

from accounts.services import user_erase
from social.models import Block, FeedEvent, Follow
from tests.accounts.factories import UserFactory
from tests.social.factories import BlockFactory, FeedEventFactory, FollowFactory

pytestmark = pytest.mark.django_db


def test_the_export_holds_follows_blocks_and_feed_events(auth_client, user, other):
    third = UserFactory(username="carla")
    FollowFactory(follower=user, followee=other)
    FollowFactory(follower=third, followee=user)
    BlockFactory(blocker=user, blocked=UserFactory(username="troll"))
    FeedEventFactory(actor=user, data={"days": 30})
    FeedEventFactory(actor=other)  # someone else's: not exported

    data = auth_client.get("/api/v1/me/export/").json()

    social = data["social"]
    assert [row["username"] for row in social["following"]] == ["ana_b"]
    assert [row["username"] for row in social["followers"]] == ["carla"]
    assert [row["username"] for row in social["blocked"]] == ["troll"]
    assert [(row["kind"], row["data"]) for row in social["feed_events"]] == [
        ("streak_milestone", {"days": 30})
    ]
    assert data["account"]["username"] == user.username
    assert data["account"]["profile_public"] is True


def test_deleting_the_account_takes_its_social_rows_and_leaves_others(user, other):
    third = UserFactory()
    FollowFactory(follower=user, followee=other)
    FollowFactory(follower=other, followee=user)
    FollowFactory(follower=third, followee=other)
    BlockFactory(blocker=other, blocked=user)
    FeedEventFactory(actor=user)
    kept = FeedEventFactory(actor=other)

    user_erase(user=user)

    assert list(Follow.objects.values_list("follower", "followee")) == [(third.pk, other.pk)]
    assert not Block.objects.exists()
    assert list(FeedEvent.objects.all()) == [kept]
