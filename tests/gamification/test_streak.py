"""The streak counts consecutive local days with a completed lesson, and is read from the clock."""

from datetime import UTC, date, datetime, timedelta

import pytest
from freezegun import freeze_time

from gamification.models import LearnerStats, Streak
from gamification.selectors import streak_get
from gamification.services import (
    lesson_completed_record,
    review_done_record,
    streak_activity_record,
)
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
MONDAY_NOON = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def test_a_first_activity_starts_a_streak_of_one(user):
    state = streak_activity_record(user=user, at=MONDAY_NOON)

    assert (state.current, state.longest, state.extended_today, state.broken) == (1, 1, True, False)


def test_activity_on_consecutive_days_extends_the_streak(user):
    for offset in range(3):
        state = streak_activity_record(user=user, at=MONDAY_NOON + offset * DAY)

    assert (state.current, state.longest, state.extended_today) == (3, 3, True)


def test_a_second_activity_the_same_day_changes_nothing(user):
    streak_activity_record(user=user, at=MONDAY_NOON)

    state = streak_activity_record(user=user, at=MONDAY_NOON + timedelta(hours=3))

    assert (state.current, state.extended_today, state.broken) == (1, False, False)


def test_an_activity_timed_before_the_last_active_day_changes_nothing(user):
    streak_activity_record(user=user, at=MONDAY_NOON)
    streak_activity_record(user=user, at=MONDAY_NOON + DAY)

    state = streak_activity_record(user=user, at=MONDAY_NOON)

    assert (state.current, state.extended_today) == (2, False)
    assert Streak.objects.get(user=user).last_active_date == date(2025, 3, 11)


def test_a_missed_day_restarts_the_streak_at_one_and_reports_it_broken(user):
    for offset in range(3):
        streak_activity_record(user=user, at=MONDAY_NOON + offset * DAY)

    state = streak_activity_record(user=user, at=MONDAY_NOON + 4 * DAY)

    assert (state.current, state.longest, state.extended_today, state.broken) == (1, 3, True, True)


def test_the_longest_streak_is_kept_when_a_new_one_is_shorter(user):
    for offset in [0, 1, 2, 3, 5, 6]:
        state = streak_activity_record(user=user, at=MONDAY_NOON + offset * DAY)

    assert (state.current, state.longest) == (2, 4)


def test_the_longest_streak_grows_with_a_new_streak_that_passes_it(user):
    for offset in [0, 1, 3, 4, 5]:
        state = streak_activity_record(user=user, at=MONDAY_NOON + offset * DAY)

    assert (state.current, state.longest) == (3, 3)


def test_a_learner_east_of_utc_finishing_at_2330_local_counts_that_local_day():
    # Tokyo is UTC+9: 23:30 on Monday the 10th is 14:30 UTC on the 10th, and the next lesson at
    # 00:30 on Tuesday local is 15:30 UTC, still Monday in UTC.
    learner = UserFactory(timezone="Asia/Tokyo")
    streak_activity_record(user=learner, at=datetime(2025, 3, 10, 14, 30, tzinfo=UTC))

    state = streak_activity_record(user=learner, at=datetime(2025, 3, 10, 15, 30, tzinfo=UTC))

    assert (state.current, state.extended_today) == (2, True)
    assert Streak.objects.get(user=learner).last_active_date == date(2025, 3, 11)


def test_a_learner_at_utc_plus_14_keeps_a_streak_across_utc_day_boundaries():
    learner = UserFactory(timezone="Pacific/Kiritimati")
    # UTC+14: 23:30 local on the 10th is 09:30 UTC on the 10th, and so on the 11th.
    streak_activity_record(user=learner, at=datetime(2025, 3, 10, 9, 30, tzinfo=UTC))

    state = streak_activity_record(user=learner, at=datetime(2025, 3, 11, 9, 30, tzinfo=UTC))

    assert state.current == 2
    with freeze_time(datetime(2025, 3, 11, 10, 30, tzinfo=UTC)):  # 00:30 on the 12th local
        read = streak_get(user=learner)
    assert (read.current, read.extended_today, read.broken) == (2, False, False)


def test_a_learner_west_of_utc_two_evenings_in_one_utc_day_are_two_local_days():
    # Los Angeles (UTC-7 in March): 01:00 UTC on the 11th is 18:00 on the 10th local;
    # 23:00 UTC on the 11th is 16:00 on the 11th local.
    learner = UserFactory(timezone="America/Los_Angeles")
    streak_activity_record(user=learner, at=datetime(2025, 3, 11, 1, 0, tzinfo=UTC))

    state = streak_activity_record(user=learner, at=datetime(2025, 3, 11, 23, 0, tzinfo=UTC))

    assert state.current == 2


# Honolulu is UTC-10 and Auckland UTC+13 in March: flying from one to the other skips a date.
HONOLULU_MONDAY_EVENING = datetime(2025, 3, 11, 6, 0, tzinfo=UTC)  # 20:00 on the 10th local
AUCKLAND_WEDNESDAY_MORNING = datetime(2025, 3, 11, 19, 0, tzinfo=UTC)  # 08:00 on the 12th local


def _moves_to(learner, zone: str) -> None:
    learner.timezone = zone
    learner.save(update_fields=["timezone"])


def test_a_move_east_across_the_date_line_keeps_a_streak_kept_up_every_day():
    learner = UserFactory(timezone="Pacific/Honolulu")
    streak_activity_record(user=learner, at=HONOLULU_MONDAY_EVENING)
    _moves_to(learner, "Pacific/Auckland")

    # 13 hours later, though the dates say Monday then Wednesday.
    read = streak_get(user=learner, now=AUCKLAND_WEDNESDAY_MORNING)
    state = streak_activity_record(user=learner, at=AUCKLAND_WEDNESDAY_MORNING)

    assert (read.current, read.broken) == (1, False)
    assert (state.current, state.extended_today, state.broken) == (2, True, False)


def test_a_move_east_still_breaks_the_streak_after_a_day_really_missed():
    learner = UserFactory(timezone="Pacific/Honolulu")
    streak_activity_record(user=learner, at=HONOLULU_MONDAY_EVENING)
    _moves_to(learner, "Pacific/Auckland")

    state = streak_activity_record(user=learner, at=AUCKLAND_WEDNESDAY_MORNING + DAY)

    assert (state.current, state.broken) == (1, True)


def test_a_move_west_across_the_date_line_counts_no_day_twice():
    learner = UserFactory(timezone="Pacific/Auckland")
    streak_activity_record(user=learner, at=AUCKLAND_WEDNESDAY_MORNING)  # Wednesday the 12th
    _moves_to(learner, "Pacific/Honolulu")

    # 09:00 on Wednesday the 12th in Honolulu: that day has been counted already.
    same_day = streak_activity_record(user=learner, at=AUCKLAND_WEDNESDAY_MORNING + DAY)
    next_day = streak_activity_record(user=learner, at=AUCKLAND_WEDNESDAY_MORNING + 2 * DAY)

    assert (same_day.current, same_day.extended_today) == (1, False)
    assert (next_day.current, next_day.broken) == (2, False)


def test_reading_the_streak_the_next_day_keeps_it_without_extending_it(user):
    streak_activity_record(user=user, at=MONDAY_NOON)
    streak_activity_record(user=user, at=MONDAY_NOON + DAY)

    state = streak_get(user=user, now=MONDAY_NOON + 2 * DAY)

    assert (state.current, state.longest, state.extended_today, state.broken) == (
        2,
        2,
        False,
        False,
    )


def test_reading_the_streak_the_same_day_says_it_was_extended_today(user):
    streak_activity_record(user=user, at=MONDAY_NOON)

    state = streak_get(user=user, now=MONDAY_NOON + timedelta(hours=5))

    assert (state.current, state.extended_today) == (1, True)


def test_a_missed_day_reads_as_broken_with_no_job_run(user):
    streak_activity_record(user=user, at=MONDAY_NOON)
    streak_activity_record(user=user, at=MONDAY_NOON + DAY)

    with freeze_time(MONDAY_NOON + 3 * DAY):
        state = streak_get(user=user)

    assert (state.current, state.longest, state.broken) == (0, 2, True)
    assert Streak.objects.get(user=user).current == 2


def test_the_streak_breaks_at_the_learners_local_midnight_not_utcs():
    learner = UserFactory(timezone="Asia/Tokyo")
    streak_activity_record(user=learner, at=datetime(2025, 3, 10, 3, 0, tzinfo=UTC))  # 12:00 local

    # 23:59 on Tuesday the 11th in Tokyo: yesterday was active.
    assert streak_get(user=learner, now=datetime(2025, 3, 11, 14, 59, tzinfo=UTC)).current == 1
    # 00:01 on Wednesday the 12th in Tokyo (still the 11th in UTC): Tuesday was missed.
    assert streak_get(user=learner, now=datetime(2025, 3, 11, 15, 1, tzinfo=UTC)).broken is True


def test_a_learner_with_no_activity_has_no_streak_and_nothing_broken(user):
    state = streak_get(user=user, now=MONDAY_NOON)

    assert (state.current, state.longest, state.extended_today, state.broken) == (
        0,
        0,
        False,
        False,
    )


def test_a_completed_lesson_counts_and_extends_the_streak(user):
    state = lesson_completed_record(user=user, perfect=False, at=MONDAY_NOON)

    stats = LearnerStats.objects.get(user=user)
    assert (stats.lessons_completed, stats.perfect_lessons) == (1, 0)
    assert (state.current, state.extended_today) == (1, True)


def test_a_perfect_lesson_counts_as_perfect(user):
    lesson_completed_record(user=user, perfect=True, at=MONDAY_NOON)
    lesson_completed_record(user=user, perfect=False, at=MONDAY_NOON)

    stats = LearnerStats.objects.get(user=user)
    assert (stats.lessons_completed, stats.perfect_lessons) == (2, 1)


def test_a_review_is_counted_but_does_not_extend_the_streak(user):
    review_done_record(user=user, at=MONDAY_NOON)
    review_done_record(user=user, at=MONDAY_NOON)

    assert LearnerStats.objects.get(user=user).reviews_done == 2
    assert streak_get(user=user, now=MONDAY_NOON).current == 0


def test_recording_activity_refuses_a_naive_time(user):
    with pytest.raises(ValueError, match="aware"):
        streak_activity_record(user=user, at=datetime(2025, 3, 10, 12))
