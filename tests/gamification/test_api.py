from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from gamification.services import (
    gems_credit,
    gems_debit,
    heart_lose,
    lesson_completed_record,
    xp_award,
)
from tests.accounts.factories import UserFactory
from tests.gamification.factories import DailyXpFactory, GemWalletFactory, XpEventFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/stats/"
NOW = datetime(2025, 3, 12, 20, 0, tzinfo=UTC)
STATS_QUERIES = 1


def test_anonymous_stats_are_refused_with_401(api_client):
    response = api_client.get(URL)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@freeze_time(NOW)
def test_a_new_learners_stats_are_zero_with_full_hearts(auth_client, user):
    response = auth_client.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "total_xp": 0,
        "xp_today": 0,
        "daily_goal_xp": 20,
        "daily_goal_met": False,
        "streak": 0,
        "longest_streak": 0,
        "streak_broken": False,
        "hearts": 5,
        "hearts_max": 5,
        "next_heart_at": None,
        "gems": 0,
        "streak_freezes": 0,
    }


def test_stats_report_xp_streak_hearts_and_gems(auth_client, user):
    yesterday, today = NOW - timedelta(days=1), NOW - timedelta(hours=2)
    xp_award(user=user, amount=15, source="lesson", source_id=1, at=yesterday)
    lesson_completed_record(user=user, perfect=True, at=yesterday)
    xp_award(user=user, amount=12, source="lesson", source_id=2, at=today)
    xp_award(user=user, amount=10, source="review", source_id=9, at=today)
    lesson_completed_record(user=user, perfect=False, at=today)
    heart_lose(user=user, now=today)
    gems_credit(user=user, amount=40, reason="daily goal")
    gems_debit(user=user, amount=15, reason="shop")

    with freeze_time(NOW):
        body = auth_client.get(URL).json()

    assert body == {
        "total_xp": 37,
        "xp_today": 22,
        "daily_goal_xp": 20,
        "daily_goal_met": True,
        "streak": 2,
        "longest_streak": 2,
        "streak_broken": False,
        "hearts": 4,
        "hearts_max": 5,
        "next_heart_at": "2025-03-12T22:00:00Z",
        "gems": 25,
        "streak_freezes": 0,
    }


def test_stats_count_xp_today_in_the_learners_local_day(api_client):
    # 20:00 UTC on the 12th is 05:00 on the 13th in Tokyo: the evening before is another day there.
    learner = UserFactory(timezone="Asia/Tokyo")
    xp_award(user=learner, amount=10, source="lesson", source_id=1, at=NOW - timedelta(hours=6))
    xp_award(user=learner, amount=7, source="lesson", source_id=2, at=NOW - timedelta(hours=1))
    api_client.force_authenticate(learner)

    with freeze_time(NOW):
        body = api_client.get(URL).json()

    assert (body["xp_today"], body["total_xp"]) == (7, 17)


def test_stats_report_a_missed_day_as_a_broken_streak(auth_client, user):
    lesson_completed_record(user=user, perfect=False, at=NOW - timedelta(days=3))

    with freeze_time(NOW):
        body = auth_client.get(URL).json()

    assert (body["streak"], body["longest_streak"], body["streak_broken"]) == (0, 1, True)


def test_stats_show_hearts_regenerated_since_the_last_loss(auth_client, user):
    for _ in range(3):
        heart_lose(user=user, now=NOW - timedelta(hours=9))

    with freeze_time(NOW):
        body = auth_client.get(URL).json()

    assert (body["hearts"], body["next_heart_at"]) == (4, "2025-03-12T23:00:00Z")


def test_stats_are_the_callers_own(auth_client, user):
    other = UserFactory()
    xp_award(user=other, amount=50, source="lesson", source_id=1, at=NOW)
    gems_credit(user=other, amount=50, reason="x")

    with freeze_time(NOW):
        body = auth_client.get(URL).json()

    assert (body["total_xp"], body["gems"]) == (0, 0)


def test_stats_cost_one_query_for_a_new_learner(auth_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(STATS_QUERIES):
        assert auth_client.get(URL).status_code == 200


def test_stats_cost_one_query_with_a_long_history(auth_client, user, django_assert_max_num_queries):
    XpEventFactory.create_batch(200, user=user)
    DailyXpFactory.create_batch(100, user=user)
    GemWalletFactory(user=user, credits=[5] * 100)
    for day in range(30):
        lesson_completed_record(
            user=user, perfect=False, at=datetime(2025, 2, 1, 12, tzinfo=UTC) + timedelta(day)
        )
    heart_lose(user=user, now=NOW)

    with freeze_time(NOW), django_assert_max_num_queries(STATS_QUERIES):
        response = auth_client.get(URL)

    assert response.status_code == 200
    assert response.json()["gems"] == 500


def test_stats_only_answer_get(auth_client):
    response = auth_client.post(URL, {})

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
