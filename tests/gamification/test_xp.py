from datetime import UTC, date, datetime

import pytest
from django.db import transaction

from gamification.models import DailyXp, LearnerStats, XpEvent, XpSource
from gamification.selectors import stats_get
from gamification.services import xp_award
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def test_xp_award_appends_a_ledger_row_with_the_local_day(user):
    event = xp_award(user=user, amount=15, source=XpSource.LESSON, source_id=42, at=NOON)

    assert event is not None
    assert (event.user, event.amount, event.source, event.source_id) == (user, 15, "lesson", "42")
    assert event.created_at == NOON
    assert event.local_date == date(2025, 3, 10)


def test_xp_award_twice_for_the_same_source_awards_once(user):
    first = xp_award(user=user, amount=15, source=XpSource.LESSON, source_id="s-1", at=NOON)
    second = xp_award(user=user, amount=15, source=XpSource.LESSON, source_id="s-1", at=NOON)

    assert first is not None
    assert second is None
    assert XpEvent.objects.filter(user=user).count() == 1
    assert LearnerStats.objects.get(user=user).total_xp == 15
    assert DailyXp.objects.get(user=user).xp == 15


def test_an_int_and_a_str_source_id_name_the_same_award(user):
    xp_award(user=user, amount=10, source=XpSource.LESSON, source_id=7, at=NOON)

    assert xp_award(user=user, amount=10, source=XpSource.LESSON, source_id="7", at=NOON) is None


def test_the_same_source_id_from_another_source_is_another_award(user):
    xp_award(user=user, amount=10, source=XpSource.LESSON, source_id=7, at=NOON)

    assert xp_award(user=user, amount=5, source=XpSource.REVIEW, source_id=7, at=NOON)
    assert LearnerStats.objects.get(user=user).total_xp == 15


def test_the_same_source_id_for_another_learner_is_another_award(user):
    other = UserFactory()
    xp_award(user=user, amount=10, source=XpSource.LESSON, source_id=7, at=NOON)

    assert xp_award(user=other, amount=10, source=XpSource.LESSON, source_id=7, at=NOON)


def test_a_refused_duplicate_leaves_the_callers_transaction_usable(user):
    xp_award(user=user, amount=10, source=XpSource.LESSON, source_id=1, at=NOON)

    with transaction.atomic():
        assert xp_award(user=user, amount=10, source=XpSource.LESSON, source_id=1) is None
        xp_award(user=user, amount=5, source=XpSource.BONUS, source_id=1, at=NOON)

    assert LearnerStats.objects.get(user=user).total_xp == 15


def test_xp_award_rolls_back_with_the_callers_transaction(user):
    with pytest.raises(RuntimeError), transaction.atomic():
        xp_award(user=user, amount=10, source=XpSource.LESSON, source_id=1, at=NOON)
        raise RuntimeError("the lesson completion failed after the award")

    assert not XpEvent.objects.exists()
    assert not DailyXp.objects.exists()
    assert not LearnerStats.objects.filter(total_xp__gt=0).exists()
    assert xp_award(user=user, amount=10, source=XpSource.LESSON, source_id=1, at=NOON)


def test_awards_add_up_per_local_day_and_in_total(user):
    xp_award(user=user, amount=10, source=XpSource.LESSON, source_id=1, at=NOON)
    xp_award(user=user, amount=5, source=XpSource.REVIEW, source_id=1, at=NOON)
    xp_award(
        user=user,
        amount=20,
        source=XpSource.LESSON,
        source_id=2,
        at=datetime(2025, 3, 11, 9, tzinfo=UTC),
    )

    assert dict(DailyXp.objects.filter(user=user).values_list("date", "xp")) == {
        date(2025, 3, 10): 15,
        date(2025, 3, 11): 20,
    }
    assert LearnerStats.objects.get(user=user).total_xp == 35


@pytest.mark.parametrize(
    ("zone", "at", "local_day"),
    [
        # Tokyo, UTC+9: 23:30 is 14:30 UTC the same day; 00:30 on the 11th is the 10th in UTC.
        ("Asia/Tokyo", datetime(2025, 3, 10, 14, 30, tzinfo=UTC), date(2025, 3, 10)),
        ("Asia/Tokyo", datetime(2025, 3, 10, 15, 30, tzinfo=UTC), date(2025, 3, 11)),
        # UTC+14: 23:30 on the 10th is 09:30 UTC; 00:30 on the 11th is 10:30 UTC on the 10th.
        ("Pacific/Kiritimati", datetime(2025, 3, 10, 9, 30, tzinfo=UTC), date(2025, 3, 10)),
        ("Pacific/Kiritimati", datetime(2025, 3, 10, 10, 30, tzinfo=UTC), date(2025, 3, 11)),
        # UTC-7 (PDT): 20:00 on the 10th is 03:00 UTC on the 11th.
        ("America/Los_Angeles", datetime(2025, 3, 11, 3, 0, tzinfo=UTC), date(2025, 3, 10)),
    ],
)
def test_daily_totals_count_the_learners_local_day(zone, at, local_day):
    learner = UserFactory(timezone=zone)

    xp_award(user=learner, amount=10, source=XpSource.LESSON, source_id=1, at=at)

    assert DailyXp.objects.get(user=learner).date == local_day
    assert XpEvent.objects.get(user=learner).local_date == local_day


def test_xp_late_in_a_tokyo_evening_counts_for_that_evening_in_stats():
    learner = UserFactory(timezone="Asia/Tokyo")
    at_2330 = datetime(2025, 3, 10, 14, 30, tzinfo=UTC)
    xp_award(user=learner, amount=10, source=XpSource.LESSON, source_id=1, at=at_2330)

    same_evening = stats_get(user=learner, now=datetime(2025, 3, 10, 14, 50, tzinfo=UTC))
    next_morning = stats_get(user=learner, now=datetime(2025, 3, 10, 23, 0, tzinfo=UTC))

    assert same_evening.xp_today == 10
    assert next_morning.xp_today == 0


def test_xp_in_a_los_angeles_evening_counts_for_that_evening_though_utc_is_a_day_on():
    learner = UserFactory(timezone="America/Los_Angeles")
    xp_award(
        user=learner,
        amount=10,
        source=XpSource.LESSON,
        source_id=1,
        at=datetime(2025, 3, 11, 3, tzinfo=UTC),
    )

    assert stats_get(user=learner, now=datetime(2025, 3, 11, 6, 0, tzinfo=UTC)).xp_today == 10
    assert stats_get(user=learner, now=datetime(2025, 3, 11, 8, 0, tzinfo=UTC)).xp_today == 0


def test_the_daily_goal_is_met_once_the_days_xp_reaches_it():
    learner = UserFactory(daily_goal_xp=20)
    xp_award(user=learner, amount=15, source=XpSource.LESSON, source_id=1, at=NOON)
    assert stats_get(user=learner, now=NOON).daily_goal_met is False

    xp_award(user=learner, amount=5, source=XpSource.REVIEW, source_id=1, at=NOON)

    stats = stats_get(user=learner, now=NOON)
    assert (stats.xp_today, stats.daily_goal_xp, stats.daily_goal_met) == (20, 20, True)


@pytest.mark.parametrize("amount", [0, -5, True, 2.5, "10", None])
def test_xp_award_refuses_an_amount_that_is_not_a_positive_int(user, amount):
    with pytest.raises(ValueError, match="amount"):
        xp_award(user=user, amount=amount, source=XpSource.LESSON, source_id=1, at=NOON)

    assert not XpEvent.objects.exists()


def test_xp_award_refuses_an_unknown_source(user):
    with pytest.raises(ValueError, match="source"):
        xp_award(user=user, amount=10, source="cheating", source_id=1, at=NOON)


@pytest.mark.parametrize("source_id", ["", "x" * 65])
def test_xp_award_refuses_an_empty_or_overlong_source_id(user, source_id):
    with pytest.raises(ValueError, match="source_id"):
        xp_award(user=user, amount=10, source=XpSource.LESSON, source_id=source_id, at=NOON)


def test_xp_award_refuses_a_naive_time(user):
    with pytest.raises(ValueError, match="aware"):
        xp_award(
            user=user, amount=10, source=XpSource.LESSON, source_id=1, at=datetime(2025, 3, 10)
        )


def test_xp_award_accepts_the_source_as_its_plain_string(user):
    assert (
        xp_award(user=user, amount=10, source="practice", source_id=1, at=NOON).source == "practice"
    )


# --- Daily cap of a source ---------------------------------------------------------------------


def test_a_daily_cap_cuts_the_award_to_what_is_left_then_awards_nothing(user):
    def review(source_id, amount):
        return xp_award(
            user=user, amount=amount, source="review", source_id=source_id, at=NOON, daily_cap=7
        )

    first, cut, nothing = review(1, 5), review(2, 5), review(3, 1)

    assert (first.amount, cut.amount, nothing) == (5, 2, None)
    assert XpEvent.objects.filter(user=user).count() == 2
    assert DailyXp.objects.get(user=user).xp == 7
    assert LearnerStats.objects.get(user=user).total_xp == 7


def test_a_daily_cap_counts_only_its_source_and_its_learners_local_day(user):
    xp_award(user=user, amount=50, source="lesson", source_id=1, at=NOON)
    xp_award(user=UserFactory(), amount=9, source="review", source_id=1, at=NOON)
    xp_award(user=user, amount=9, source="review", source_id=2, at=NOON, daily_cap=9)
    next_day = datetime(2025, 3, 11, 12, 0, tzinfo=UTC)

    assert xp_award(user=user, amount=1, source="review", source_id=3, at=NOON, daily_cap=9) is None
    assert (
        xp_award(user=user, amount=1, source="review", source_id=4, at=next_day, daily_cap=9).amount
        == 1
    )
    assert LearnerStats.objects.get(user=user).total_xp == 60


def test_a_daily_cap_of_zero_awards_nothing_and_writes_nothing(user):
    assert xp_award(user=user, amount=1, source="review", source_id=1, at=NOON, daily_cap=0) is None
    assert not DailyXp.objects.exists()
    assert not XpEvent.objects.exists()


@pytest.mark.parametrize("cap", [-1, True, 2.5, "5"])
def test_xp_award_refuses_a_daily_cap_that_is_not_a_whole_number_from_zero(user, cap):
    with pytest.raises(ValueError):
        xp_award(user=user, amount=1, source="review", source_id=1, at=NOON, daily_cap=cap)
