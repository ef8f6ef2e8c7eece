import json
from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from gamification.models import (
    DailyXp,
    GemTransaction,
    GemWallet,
    Hearts,
    LeagueMember,
    LearnerLeague,
    LearnerStats,
    Streak,
    WeeklyXp,
    XpEvent,
)
from gamification.selectors import gamification_export
from gamification.services import (
    gems_credit,
    gems_debit,
    heart_lose,
    lesson_completed_record,
    xp_award,
)
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 10, 12, tzinfo=UTC)


@pytest.fixture
def active_user(user):
    xp_award(user=user, amount=10, source="lesson", source_id=5, at=NOW)
    lesson_completed_record(user=user, perfect=True, at=NOW)
    heart_lose(user=user, now=NOW)
    gems_credit(user=user, amount=30, reason="goal")
    gems_debit(user=user, amount=10, reason="shop")
    return user


def test_the_export_holds_every_gamification_row_of_the_learner(active_user):
    exported = gamification_export(user=active_user)

    assert exported["stats"] == {
        "total_xp": 10,
        "lessons_completed": 1,
        "perfect_lessons": 1,
        "reviews_done": 0,
        "words_learned": 0,
        "followers": 0,
        "league_finishes": 0,
    }
    assert exported["xp_events"] == [
        {
            "amount": 10,
            "source": "lesson",
            "source_id": "5",
            "created_at": "2025-03-10T12:00:00+00:00",
            "local_date": "2025-03-10",
        }
    ]
    assert exported["daily_xp"] == [
        {
            "date": "2025-03-10",
            "xp": 10,
            "lessons_completed": 1,
            "perfect_lessons": 1,
            "reviews_done": 0,
        }
    ]
    assert exported["streak"] == {
        "current": 1,
        "longest": 1,
        "last_active_date": "2025-03-10",
        "last_active_at": "2025-03-10T12:00:00+00:00",
    }
    assert exported["hearts"] == {"count": 4, "refill_anchor": "2025-03-10T12:00:00+00:00"}
    assert exported["gem_wallet"] == {"balance": 20}
    assert [(row["amount"], row["reason"]) for row in exported["gem_transactions"]] == [
        (30, "goal"),
        (-10, "shop"),
    ]
    assert exported["league"] == "bronze"
    assert exported["league_weeks"] == [
        {
            "week_start": "2025-03-10",
            "league": "bronze",
            "xp": 10,
            "reached_at": "2025-03-10T12:00:00+00:00",
            "joined_at": "2025-03-10T12:00:00+00:00",
            "rank": None,
            "result": None,
        }
    ]
    assert exported["weekly_xp"] == [{"week_start": "2025-03-10", "xp": 10}]
    json.dumps(exported)


def test_the_export_leaves_out_other_learners(active_user):
    other = UserFactory()

    exported = gamification_export(user=other)

    assert exported == {
        "stats": None,
        "xp_events": [],
        "daily_xp": [],
        "streak": None,
        "hearts": None,
        "gem_wallet": None,
        "gem_transactions": [],
        "achievements": [],
        "daily_quests": [],
        "inventory": [],
        "purchases": [],
        "streak_freeze_uses": [],
        "league": None,
        "league_weeks": [],
        "weekly_xp": [],
    }


def test_deleting_the_account_deletes_every_gamification_row(active_user):
    active_user.delete()

    models = (XpEvent, DailyXp, LearnerStats, Streak, Hearts, GemWallet, GemTransaction)
    for model in (*models, LeagueMember, LearnerLeague, WeeklyXp):
        assert not model.objects.exists(), model.__name__


def test_the_export_costs_the_same_queries_with_a_long_history(
    active_user, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15) as small:
        gamification_export(user=active_user)
    for index in range(50):
        xp_award(user=active_user, amount=1, source="review", source_id=index, at=NOW)
        gems_credit(user=active_user, amount=1, reason="bonus")

    with django_assert_max_num_queries(len(small.captured_queries)):
        exported = gamification_export(user=active_user)

    assert len(exported["xp_events"]) == 51


def test_me_export_holds_the_gamification_section(active_user):
    client = APIClient()
    client.force_authenticate(active_user)

    response = client.get("/api/v1/me/export/")

    assert response.status_code == 200
    section = response.json()["gamification"]
    assert section["stats"]["total_xp"] == 10
    assert section["gem_wallet"] == {"balance": 20}
    assert len(section["gem_transactions"]) == 2
