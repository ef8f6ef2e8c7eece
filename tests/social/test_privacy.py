"""Privacy and blocking on every social endpoint (API.md, "Economy and social")."""

import pytest

from social.models import Block, Follow
from tests.accounts.factories import UserFactory
from tests.social.conftest import client_for
from tests.social.factories import BlockFactory, FeedEventFactory, FollowFactory

pytestmark = pytest.mark.django_db


def _usernames(response) -> list[str]:
    return [row["username"] for row in response.json()["results"]]


# --- Anonymous callers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/users/?search=ana"),
        ("get", "/api/v1/users/ana_b/"),
        ("post", "/api/v1/users/ana_b/follow/"),
        ("delete", "/api/v1/users/ana_b/follow/"),
        ("post", "/api/v1/users/ana_b/block/"),
        ("delete", "/api/v1/users/ana_b/block/"),
        ("get", "/api/v1/me/following/"),
        ("get", "/api/v1/me/followers/"),
        ("get", "/api/v1/feed/"),
    ],
)
def test_every_social_endpoint_refuses_anonymous_callers_401(api_client, other, method, url):
    response = getattr(api_client, method)(url)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


# --- Search ------------------------------------------------------------------------------------


def test_search_finds_public_profiles_by_prefix_whatever_the_case(auth_client, other):
    UserFactory(username="anatole")
    UserFactory(username="bob_ana")

    response = auth_client.get("/api/v1/users/?search=ANA")

    assert response.status_code == 200
    assert _usernames(response) == ["ana_b", "anatole"]
    assert response.json()["count"] == 2


@pytest.mark.parametrize("search", ["", "an", "  a "])
def test_search_needs_three_characters_400(auth_client, search):
    response = auth_client.get("/api/v1/users/", {"search": search})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "search_too_short"


def test_search_hides_private_profiles_even_from_their_followers(auth_client, user, other):
    other.profile_public = False
    other.save()
    FollowFactory(follower=user, followee=other)

    assert _usernames(auth_client.get("/api/v1/users/?search=ana")) == []


def test_search_hides_a_blocker_from_the_learner_they_blocked(auth_client, user, other):
    BlockFactory(blocker=other, blocked=user)

    assert _usernames(auth_client.get("/api/v1/users/?search=ana")) == []


def test_search_hides_those_the_caller_blocked(auth_client, user, other):
    BlockFactory(blocker=user, blocked=other)

    assert _usernames(auth_client.get("/api/v1/users/?search=ana")) == []


# --- Profile -----------------------------------------------------------------------------------


def test_a_public_profile_shows_the_contract_fields(auth_client, user, other):
    FollowFactory(follower=other, followee=user)

    response = auth_client.get("/api/v1/users/ANA_B/")

    assert response.status_code == 200
    assert response.json() == {
        "username": "ana_b",
        "display_name": "Ana",
        "streak": 0,
        "total_xp": 0,
        "league": None,
        "achievements": [],
        "following": False,
        "follows_you": True,
    }


def test_an_unknown_username_is_404(auth_client):
    response = auth_client.get("/api/v1/users/nobody_here/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_private_profile_is_404_to_a_learner_who_does_not_follow_it(auth_client, other):
    other.profile_public = False
    other.save()

    assert auth_client.get("/api/v1/users/ana_b/").status_code == 404


def test_a_private_profile_is_shown_to_its_followers_and_its_owner(auth_client, user, other):
    other.profile_public = False
    other.save()
    FollowFactory(follower=user, followee=other)

    assert auth_client.get("/api/v1/users/ana_b/").json()["following"] is True
    assert client_for(other).get("/api/v1/users/ana_b/").status_code == 200


def test_a_blocker_is_404_to_the_learner_they_blocked(auth_client, user, other):
    BlockFactory(blocker=other, blocked=user)

    assert auth_client.get("/api/v1/users/ana_b/").status_code == 404


def test_the_blocker_still_sees_whom_they_blocked_so_they_can_unblock(auth_client, user, other):
    BlockFactory(blocker=user, blocked=other)

    assert auth_client.get("/api/v1/users/ana_b/").status_code == 200


# --- Follow ------------------------------------------------------------------------------------


def test_following_is_201_then_200_and_makes_one_row(auth_client, user, other):
    first = auth_client.post("/api/v1/users/ana_b/follow/")
    again = auth_client.post("/api/v1/users/ana_b/follow/")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["following"] is True
    assert Follow.objects.filter(follower=user, followee=other).count() == 1


def test_following_oneself_is_refused_400(auth_client, user):
    response = auth_client.post(f"/api/v1/users/{user.username}/follow/")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "cannot_follow_self"
    assert not Follow.objects.exists()


def test_following_a_private_profile_one_does_not_follow_is_404(auth_client, other):
    other.profile_public = False
    other.save()

    assert auth_client.post("/api/v1/users/ana_b/follow/").status_code == 404
    assert not Follow.objects.exists()


def test_a_blocked_learner_cannot_follow_the_blocker_404(auth_client, user, other):
    BlockFactory(blocker=other, blocked=user)

    assert auth_client.post("/api/v1/users/ana_b/follow/").status_code == 404
    assert not Follow.objects.exists()


def test_following_someone_the_caller_blocked_is_409_user_blocked(auth_client, user, other):
    BlockFactory(blocker=user, blocked=other)

    response = auth_client.post("/api/v1/users/ana_b/follow/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "user_blocked"
    assert not Follow.objects.exists()


def test_unfollowing_is_204_and_idempotent(auth_client, user, other):
    FollowFactory(follower=user, followee=other)

    assert auth_client.delete("/api/v1/users/ana_b/follow/").status_code == 204
    assert auth_client.delete("/api/v1/users/ana_b/follow/").status_code == 204
    assert not Follow.objects.exists()


def test_unfollowing_a_blocker_is_404_like_every_look_at_them(auth_client, user, other):
    BlockFactory(blocker=other, blocked=user)

    assert auth_client.delete("/api/v1/users/ana_b/follow/").status_code == 404


# --- Block -------------------------------------------------------------------------------------


def test_blocking_removes_the_follows_both_ways(auth_client, user, other):
    FollowFactory(follower=user, followee=other)
    FollowFactory(follower=other, followee=user)

    response = auth_client.post("/api/v1/users/ana_b/block/")

    assert response.status_code == 201
    assert Block.objects.filter(blocker=user, blocked=other).exists()
    assert not Follow.objects.exists()
    assert auth_client.post("/api/v1/users/ana_b/block/").status_code == 200


def test_the_blocked_learner_no_longer_sees_the_blockers_events(user, other):
    FollowFactory(follower=user, followee=other)
    FeedEventFactory(actor=other)
    client_for(other).post(f"/api/v1/users/{user.username}/block/")

    assert client_for(user).get("/api/v1/feed/").json()["results"] == []


def test_blocking_oneself_is_refused_400(auth_client, user):
    response = auth_client.post(f"/api/v1/users/{user.username}/block/")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "cannot_block_self"


def test_a_blocked_learner_cannot_find_the_blocker_by_blocking_them_404(auth_client, user, other):
    BlockFactory(blocker=other, blocked=user)

    assert auth_client.post("/api/v1/users/ana_b/block/").status_code == 404


def test_unblocking_is_204_and_lets_the_other_find_you_again(auth_client, user, other):
    BlockFactory(blocker=user, blocked=other)

    assert auth_client.delete("/api/v1/users/ana_b/block/").status_code == 204
    assert client_for(other).get(f"/api/v1/users/{user.username}/").status_code == 200


def test_unblocking_an_unknown_username_is_404(auth_client):
    assert auth_client.delete("/api/v1/users/nobody_here/block/").status_code == 404


# --- Lists -------------------------------------------------------------------------------------


def test_following_and_followers_list_the_callers_own_relations(auth_client, user, other):
    third = UserFactory(username="carla")
    FollowFactory(follower=user, followee=other)
    FollowFactory(follower=third, followee=user)
    FollowFactory(follower=third, followee=other)  # not the caller's: never listed

    following = auth_client.get("/api/v1/me/following/").json()
    followers = auth_client.get("/api/v1/me/followers/").json()

    assert [(r["username"], r["following"]) for r in following["results"]] == [("ana_b", True)]
    assert [(r["username"], r["follows_you"]) for r in followers["results"]] == [("carla", True)]
    assert following["count"] == followers["count"] == 1


# --- Feed --------------------------------------------------------------------------------------


def test_the_feed_holds_the_callers_and_followed_learners_events_newest_first(
    auth_client, user, other
):
    from datetime import timedelta

    from django.utils.timezone import now

    stranger = UserFactory()
    FollowFactory(follower=user, followee=other)
    mine = FeedEventFactory(actor=user, created_at=now() - timedelta(hours=2))
    theirs = FeedEventFactory(actor=other, created_at=now() - timedelta(hours=1))
    FeedEventFactory(actor=stranger)

    body = auth_client.get("/api/v1/feed/").json()

    assert [item["id"] for item in body["results"]] == [theirs.id, mine.id]
    assert body["results"][0] == {
        "id": theirs.id,
        "actor": {"username": "ana_b", "display_name": "Ana"},
        "kind": "streak_milestone",
        "data": {"days": 7},
        "created_at": body["results"][0]["created_at"],
    }


def test_the_feed_pages_with_a_cursor_without_repeats(auth_client, user):
    events = FeedEventFactory.create_batch(5, actor=user)

    first = auth_client.get("/api/v1/feed/?page_size=3").json()
    second = auth_client.get(first["next"]).json()

    ids = [item["id"] for item in first["results"] + second["results"]]
    assert sorted(ids) == sorted(event.id for event in events)
    assert len(ids) == len(set(ids)) == 5
    assert second["next"] is None
