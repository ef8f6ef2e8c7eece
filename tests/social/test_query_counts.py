"""Every social list costs the same queries for 1 item or 50 (DESIGN.md: bounded queries)."""

import pytest

from gamification.models import LearnerStats, Streak
from tests.accounts.factories import UserFactory
from tests.social.factories import FeedEventFactory, FollowFactory

pytestmark = pytest.mark.django_db

SIZES = [1, 50]
# Measured: the feed reads the followed ids, then the page; a profile list reads the count and
# the page, plus one query per profile provider (gamification: streaks and totals).
FEED_QUERIES = 2
# Each page of profiles asks every profile provider once: gamification's stats, achievements
# and league.
PROFILE_LIST_QUERIES = 6
PROFILE_QUERIES = 7


def _learners(count: int):
    users = [UserFactory(username=f"zed{n}") for n in range(count)]
    for user in users:
        LearnerStats.objects.create(user=user, total_xp=10)
        Streak.objects.create(user=user, current=3, longest=3)
    return users


@pytest.mark.parametrize("size", SIZES)
def test_the_feed(auth_client, user, size, django_assert_max_num_queries):
    for followee in _learners(size):
        FollowFactory(follower=user, followee=followee)
        FeedEventFactory(actor=followee)

    with django_assert_max_num_queries(FEED_QUERIES):
        response = auth_client.get(f"/api/v1/feed/?page_size={size}")

    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("url", ["/api/v1/me/following/", "/api/v1/me/followers/"])
def test_follow_lists(auth_client, user, size, url, django_assert_max_num_queries):
    for other in _learners(size):
        FollowFactory(follower=user, followee=other)
        FollowFactory(follower=other, followee=user)

    with django_assert_max_num_queries(PROFILE_LIST_QUERIES):
        response = auth_client.get(url)

    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_search(auth_client, size, django_assert_max_num_queries):
    _learners(size)

    with django_assert_max_num_queries(PROFILE_LIST_QUERIES):
        response = auth_client.get("/api/v1/users/?search=zed")

    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_a_profile_whatever_its_followers(auth_client, size, django_assert_max_num_queries):
    (star,) = _learners(1)
    for fan in UserFactory.create_batch(size):
        FollowFactory(follower=fan, followee=star)

    with django_assert_max_num_queries(PROFILE_QUERIES):
        response = auth_client.get(f"/api/v1/users/{star.username}/")

    assert response.json()["total_xp"] == 10
