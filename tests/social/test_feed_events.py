"""What makes feed items, and what profiles show from higher apps through social.registry."""

from datetime import UTC, datetime, timedelta

import pytest

from gamification.models import XpSource
from gamification.services import streak_activity_record, xp_award
from social.models import FeedEvent, FeedEventKind
from social.registry import (
    follow_listener_register,
    follow_listener_unregister,
    profile_provider_register,
    profile_provider_unregister,
)
from social.services import feed_event_record
from tests.social.conftest import client_for
from tests.social.factories import FollowFactory

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def _milestones(user) -> list[int]:
    return [
        event.data["days"]
        for event in FeedEvent.objects.filter(actor=user, kind=FeedEventKind.STREAK_MILESTONE)
    ]


def test_a_seven_day_streak_makes_one_milestone_item(user):
    for n in range(7):
        streak_activity_record(user=user, at=START + n * DAY)
    streak_activity_record(user=user, at=START + 6 * DAY + timedelta(hours=1))

    assert _milestones(user) == [7]


def test_days_short_of_a_milestone_make_no_item(user):
    for n in range(6):
        streak_activity_record(user=user, at=START + n * DAY)

    assert _milestones(user) == []


@pytest.mark.parametrize("days", [30, 100, 365])
def test_the_later_milestones_make_items(user, days):
    from gamification.models import Streak

    Streak.objects.create(
        user=user, current=days - 1, longest=days - 1, last_active_date=START.date() - DAY
    )

    streak_activity_record(user=user, at=START)

    assert _milestones(user) == [days]


def test_enrolling_makes_one_course_started_item(learner, user, course):
    learner.enroll(course)
    learner.enroll(course)

    events = FeedEvent.objects.filter(actor=user, kind=FeedEventKind.COURSE_STARTED)
    assert [event.data for event in events] == [
        {"course": {"slug": course.slug, "title": course.title}}
    ]


def test_completing_a_lesson_makes_an_item_the_first_time_only(learner, user, enrolled, lessons):
    for _ in range(2):
        session = learner.start(lessons[0]).json()
        learner.answer_all_right(session)
        assert learner.complete(session["id"]).status_code == 200

    events = list(FeedEvent.objects.filter(actor=user, kind=FeedEventKind.LESSON_COMPLETED))
    assert len(events) == 1
    assert events[0].data["lesson"] == {"id": lessons[0].id, "title": lessons[0].title}
    assert events[0].data["score"] == 100


def test_a_followers_feed_shows_the_lesson_completed(learner, user, other, enrolled, lessons):
    FollowFactory(follower=other, followee=user)
    session = learner.start(lessons[0]).json()
    learner.answer_all_right(session)
    learner.complete(session["id"])

    kinds = [item["kind"] for item in client_for(other).get("/api/v1/feed/").json()["results"]]
    assert "lesson_completed" in kinds


def test_an_unknown_kind_is_refused(user):
    with pytest.raises(ValueError):
        feed_event_record(actor=user, kind="lol", data={})


def test_the_profile_shows_streak_and_total_xp_from_gamification(auth_client, other):
    xp_award(user=other, amount=15, source=XpSource.LESSON, source_id="1")
    streak_activity_record(user=other, at=datetime.now(UTC))

    body = auth_client.get("/api/v1/users/ana_b/").json()

    assert (body["streak"], body["total_xp"]) == (1, 15)


@pytest.fixture
def achievements_provider():
    def provider(*, users):
        return {user.pk: {"achievements": [{"slug": "wildfire", "tier": 1}]} for user in users}

    profile_provider_register("test.achievements", provider)
    yield provider
    profile_provider_unregister("test.achievements")


def test_a_registered_provider_fills_the_profile(auth_client, other, achievements_provider):
    body = auth_client.get("/api/v1/users/ana_b/").json()

    assert body["achievements"] == [{"slug": "wildfire", "tier": 1}]


def test_registering_another_provider_under_a_taken_name_is_refused(achievements_provider):
    with pytest.raises(ValueError):
        profile_provider_register("test.achievements", lambda *, users: {})


@pytest.mark.django_db(transaction=True)
def test_follow_listeners_hear_a_new_follow_after_commit(user, other):
    heard = []
    follow_listener_register("test", lambda *, follower, followee: heard.append(followee.pk))
    try:
        client_for(user).post("/api/v1/users/ana_b/follow/")
        client_for(user).post("/api/v1/users/ana_b/follow/")
    finally:
        follow_listener_unregister("test")

    assert heard == [other.pk]
