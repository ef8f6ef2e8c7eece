"""The streak rollover job: at each learner's local midnight a held freeze covers the day that
ended without a lesson, or the streak breaks; once per learner and day, in every zone."""

from datetime import UTC, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from gamification.clock import streak_rollover
from gamification.models import InventoryItem, ShopEffect, ShopItem, StreakFreezeUse
from gamification.selectors import streak_get
from gamification.services import lesson_completed_record, streak_activity_record
from tests.gamification.clocking import freezes_held, learner, streak_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rollover_path")]


KIRITIMATI = "Pacific/Kiritimati"  # UTC+14
BAKER = "Etc/GMT+12"  # UTC-12 (POSIX signs are reversed)
HONOLULU = "Pacific/Honolulu"  # UTC-10
AUCKLAND = "Pacific/Auckland"  # UTC+13 in March (daylight time)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- Across the date line ------------------------------------------------------------------------


def test_a_streak_breaks_at_midnight_in_utc_plus_14_and_not_an_hour_before():
    # Monday 2 March 2026 noon in Kiritimati is Sunday 22:00 UTC; its midnight, Monday 10:00 UTC.
    user = learner(zone=KIRITIMATI, active_at=utc(2026, 3, 1, 22))
    streak_rollover(at=utc(2026, 3, 2, 10) - HOUR)  # 23:00 on Monday there
    assert streak_of(user).current == 5
    # Tuesday's midnight there is Tuesday 10:00 UTC: Tuesday passed without a lesson.
    streak_rollover(at=utc(2026, 3, 3, 9))
    assert streak_of(user).current == 5

    result = streak_rollover(at=utc(2026, 3, 3, 10))

    assert streak_of(user).current == 0
    assert result["streaks_broken"] == 1
    assert streak_get(user=user, now=utc(2026, 3, 3, 10)).current == 0


def test_a_streak_breaks_at_midnight_in_utc_minus_12_and_not_an_hour_before():
    # Monday noon at UTC-12 is Tuesday 00:00 UTC; Tuesday there ends on Wednesday 12:00 UTC.
    user = learner(zone=BAKER, active_at=utc(2026, 3, 3, 0))
    streak_rollover(at=utc(2026, 3, 4, 11))
    assert streak_of(user).current == 5

    streak_rollover(at=utc(2026, 3, 4, 12))

    assert streak_of(user).current == 0


def test_the_same_instant_is_a_different_day_on_each_side_of_the_date_line():
    # Both last had a lesson at the same instant (Monday 22:00 UTC): Tuesday in Kiritimati,
    # Monday at UTC-12. Wednesday 10:00 UTC ends Wednesday in Kiritimati, a day without a lesson
    # there, while at UTC-12 it is Tuesday 22:00 and Tuesday is still under way.
    east = learner(zone=KIRITIMATI, active_at=utc(2026, 3, 2, 22))
    west = learner(zone=BAKER, active_at=utc(2026, 3, 2, 22))

    streak_rollover(at=utc(2026, 3, 4, 10))

    assert streak_of(east).current == 0
    assert streak_of(west).current == 5
    streak_rollover(at=utc(2026, 3, 4, 12))
    assert streak_of(west).current == 0


def test_an_active_day_keeps_the_streak():
    user = learner(zone=KIRITIMATI, active_at=utc(2026, 3, 1, 22))  # Monday there

    streak_rollover(at=utc(2026, 3, 2, 10))  # Monday ended, with its lesson

    assert streak_of(user).current == 5


# --- Freezes ----------------------------------------------------------------------------------


def test_a_held_freeze_covers_the_day_instead_of_the_streak_breaking():
    user = learner(zone=BAKER, active_at=utc(2026, 3, 3, 0), freezes=2)  # Monday there

    result = streak_rollover(at=utc(2026, 3, 4, 12))  # Tuesday there ended

    assert result["freezes_spent"] == 1
    assert streak_of(user).current == 5
    assert freezes_held(user) == 1
    assert list(StreakFreezeUse.objects.filter(user=user).values_list("day", flat=True)) == [
        utc(2026, 3, 3).date()
    ]
    # The lazy reading agrees, and the next lesson continues the streak without a second freeze.
    assert streak_get(user=user, now=utc(2026, 3, 4, 20)).current == 5
    state = streak_activity_record(user=user, at=utc(2026, 3, 4, 20))  # Wednesday there
    assert (state.current, state.broken) == (6, False)
    assert freezes_held(user) == 1


def test_freezes_cover_one_day_each_and_the_streak_breaks_when_they_run_out():
    user = learner(zone=KIRITIMATI, active_at=utc(2026, 3, 1, 22), freezes=1)  # Monday there

    streak_rollover(at=utc(2026, 3, 3, 10))  # Tuesday ended: the freeze covers it
    assert (streak_of(user).current, freezes_held(user)) == (5, 0)
    streak_rollover(at=utc(2026, 3, 4, 10))  # Wednesday ended: nothing left

    assert streak_of(user).current == 0
    assert StreakFreezeUse.objects.filter(user=user).count() == 1


def test_a_second_freeze_covers_the_second_missed_day():
    user = learner(zone=KIRITIMATI, active_at=utc(2026, 3, 1, 22), freezes=2)

    streak_rollover(at=utc(2026, 3, 3, 10))
    streak_rollover(at=utc(2026, 3, 4, 10))

    assert (streak_of(user).current, freezes_held(user)) == (5, 0)
    assert streak_get(user=user, now=utc(2026, 3, 4, 11)).current == 5


def test_a_day_costs_one_freeze_when_two_freeze_items_are_held():
    user = learner(zone="UTC", active_at=utc(2026, 3, 2, 12), freezes=1)
    other = ShopItem.objects.create(
        slug="streak-freeze-plus", name="Freeze+", price=20, effect=ShopEffect.STREAK_FREEZE
    )
    InventoryItem.objects.create(user=user, item=other, quantity=1)

    result = streak_rollover(at=utc(2026, 3, 4))

    assert result["freezes_spent"] == 1
    held = InventoryItem.objects.filter(user=user).values_list("quantity", flat=True)
    assert sorted(held) == [0, 1]


def test_a_streak_long_lost_breaks_and_keeps_its_freezes():
    # Last lesson a week ago, and no job ran since: the streak was lost before this day ended.
    user = learner(zone="UTC", active_at=utc(2026, 2, 23, 12), freezes=1)

    result = streak_rollover(at=utc(2026, 3, 2))

    assert streak_of(user).current == 0
    assert freezes_held(user) == 1
    assert result == {"groups": 1, "freezes_spent": 0, "streaks_broken": 1}


def test_after_a_break_the_next_lesson_restarts_the_streak_at_one():
    user = learner(zone="UTC", active_at=utc(2026, 3, 2, 12))
    streak_rollover(at=utc(2026, 3, 4))  # Tuesday ended without a lesson

    state = lesson_completed_record(user=user, perfect=False, at=utc(2026, 3, 4, 9))

    assert (state.current, state.longest, state.broken) == (1, 5, True)


# --- The lazy path first -----------------------------------------------------------------------


def test_a_lesson_after_midnight_before_the_job_runs_leaves_nothing_to_do():
    user = learner(zone="UTC", active_at=utc(2026, 3, 2, 12), freezes=1)  # Monday
    # Tuesday was missed; the Wednesday lesson spends the freeze on Tuesday before the job runs.
    streak_activity_record(user=user, at=utc(2026, 3, 4, 0, 5))

    result = streak_rollover(at=utc(2026, 3, 4, 1))

    assert result["freezes_spent"] == result["streaks_broken"] == 0
    assert (streak_of(user).current, freezes_held(user)) == (6, 0)
    assert StreakFreezeUse.objects.filter(user=user).count() == 1


# --- Run twice ---------------------------------------------------------------------------------


def test_a_second_run_for_the_same_moment_changes_nothing():
    at = utc(2026, 3, 4, 12)
    frozen = learner(zone=BAKER, active_at=utc(2026, 3, 3, 0), freezes=2)
    broken = learner(zone=BAKER, active_at=utc(2026, 3, 3, 0))
    first = streak_rollover(at=at)

    second = streak_rollover(at=at)
    later = streak_rollover(at=at + 5 * timedelta(minutes=10))

    assert (first["freezes_spent"], first["streaks_broken"]) == (1, 1)
    assert second["freezes_spent"] == second["streaks_broken"] == 0
    assert later["freezes_spent"] == later["streaks_broken"] == 0
    assert (streak_of(frozen).current, freezes_held(frozen)) == (5, 1)
    assert streak_of(broken).current == 0


# --- A change of time zone ---------------------------------------------------------------------


def test_a_move_east_across_the_date_line_keeps_a_streak_kept_up_yesterday():
    # A lesson on Monday 20:00 in Honolulu (Tuesday 06:00 UTC); the learner flies to Auckland,
    # where that instant was Tuesday 19:00. At Auckland's Wednesday midnight (Tuesday 11:00
    # UTC) Tuesday, on the learner's new calendar, had its lesson.
    user = learner(zone=HONOLULU, active_at=utc(2026, 3, 3, 6))
    user.timezone = AUCKLAND
    user.save(update_fields=["timezone"])

    streak_rollover(at=utc(2026, 3, 3, 11))

    assert streak_of(user).current == 5
    assert streak_get(user=user, now=utc(2026, 3, 3, 11)).current == 5
    streak_rollover(at=utc(2026, 3, 4, 11))  # Wednesday in Auckland ended without a lesson
    assert streak_of(user).current == 0


def test_a_move_west_across_the_date_line_gives_the_day_back_and_breaks_once():
    # A lesson on Tuesday 10:00 in Kiritimati (Monday 20:00 UTC), then a move to UTC-12, where
    # that instant was Monday 08:00: the stored Tuesday is kept, so the streak lives until the
    # end of Wednesday there (Thursday 12:00 UTC), and the lazy reading says the same.
    user = learner(zone=KIRITIMATI, active_at=utc(2026, 3, 2, 20))
    user.timezone = BAKER
    user.save(update_fields=["timezone"])

    for at in (utc(2026, 3, 3, 12), utc(2026, 3, 4, 12), utc(2026, 3, 5, 11)):
        streak_rollover(at=at)
        assert streak_of(user).current == 5
        assert streak_get(user=user, now=at).current == 5

    streak_rollover(at=utc(2026, 3, 5, 12))
    result = streak_rollover(at=utc(2026, 3, 6, 12))

    assert streak_of(user).current == 0
    assert streak_get(user=user, now=utc(2026, 3, 5, 12)).current == 0
    assert result["streaks_broken"] == 0


def test_a_freeze_is_spent_once_for_a_day_seen_again_after_a_move_west():
    # Tuesday ended in Kiritimati (Tuesday 10:00 UTC) without a lesson: the freeze covers it.
    # Moving to UTC-12, Tuesday comes round again there; it is covered already.
    user = learner(zone=KIRITIMATI, active_at=utc(2026, 3, 1, 22), freezes=3)
    streak_rollover(at=utc(2026, 3, 3, 10))
    user.timezone = BAKER
    user.save(update_fields=["timezone"])

    streak_rollover(at=utc(2026, 3, 4, 12))  # Tuesday ended at UTC-12

    assert freezes_held(user) == 2
    assert StreakFreezeUse.objects.filter(user=user).count() == 1
    assert streak_of(user).current == 5


# --- Many learners, few statements -------------------------------------------------------------


def _crowd(count: int, *, at: datetime) -> None:
    """Learners in four zones, each with a lesson on the day before the one that ended at `at`
    on their calendar, every other one holding a freeze."""
    for n in range(count):
        zone = ZoneInfo((KIRITIMATI, BAKER, "UTC", "Asia/Kathmandu")[n % 4])
        ended = at.astimezone(zone).date() - DAY
        active_at = datetime.combine(ended - DAY, time(12), tzinfo=zone)
        learner(zone=zone.key, active_at=active_at, freezes=n % 2)


@pytest.mark.parametrize("count", [4, 40])
def test_the_statements_do_not_grow_with_the_learners(count, django_assert_max_num_queries):
    at = utc(2026, 3, 4, 12)
    _crowd(count, at=at)

    # The zones, then per group of zones: a savepoint and its release, the lock, the spenders,
    # their freezes (two statements), the break.
    with django_assert_max_num_queries(1 + 4 * 7):
        result = streak_rollover(at=at)

    assert result == {"groups": 4, "freezes_spent": count // 2, "streaks_broken": count // 2}


def test_an_unknown_time_zone_is_passed_over_and_the_others_roll(caplog):
    lost = learner(zone="UTC", active_at=utc(2026, 3, 2, 12))
    type(lost).objects.filter(pk=lost.pk).update(timezone="Mars/Olympus")
    user = learner(zone="UTC", active_at=utc(2026, 3, 2, 12))

    streak_rollover(at=utc(2026, 3, 4))

    assert streak_of(user).current == 0
    assert streak_of(lost).current == 5
    assert "Mars/Olympus" in caplog.text


# --- The job by hand and by beat ---------------------------------------------------------------


def test_runjob_rolls_streaks_over_as_if_the_clock_said_at():
    user = learner(zone="UTC", active_at=utc(2026, 2, 28, 12))
    out = StringIO()

    call_command("runjob", "streak_rollover", "--at", "2026-03-02T00:00Z", stdout=out)

    assert streak_of(user).current == 0
    assert '"streaks_broken": 1' in out.getvalue()


@pytest.mark.parametrize("job", ["streak_rollover", "streak_reminders", "weekly_progress"])
def test_a_migration_made_the_hourly_beat_row_of_each_job(job):
    row = PeriodicTask.objects.get(task="config.tasks.job_run_task", args=f'["{job}"]')

    assert row.enabled
    assert (row.crontab.minute, row.crontab.hour) == ("0", "*")
