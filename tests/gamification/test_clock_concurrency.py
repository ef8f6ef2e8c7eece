"""The clock's jobs run by two workers at once, and against a lesson, on PostgreSQL with real
threads: a freeze is spent once, a streak broken once, a reminder sent once."""

from datetime import UTC, datetime

import pytest
from django.core import mail

from gamification.clock import streak_reminders_send, streak_rollover, weekly_progress_send
from gamification.models import ClockNotice, StreakFreezeUse
from gamification.services import lesson_completed_record, xp_award
from tests.gamification import racing
from tests.gamification.clocking import freezes_held, learner, streak_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


# Tuesday 3 March 2026 ended in UTC; every learner below had a lesson on Monday.
AT = datetime(2026, 3, 4, 0, tzinfo=UTC)
MONDAY = datetime(2026, 3, 2, 12, tzinfo=UTC)
HOLD_SECONDS = 0.2


def _many(count: int, *, freezes: int) -> list:
    return [learner(zone="UTC", active_at=MONDAY, freezes=freezes) for _ in range(count)]


@pytest.mark.usefixtures("rollover_path")
def test_two_rollovers_at_once_spend_each_freeze_once():
    users = _many(10, freezes=2)

    results = racing.race(
        [lambda: streak_rollover(at=AT), lambda: streak_rollover(at=AT)],
        hold_seconds=HOLD_SECONDS,
    )

    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(r["freezes_spent"] for r in results) == 10
    for user in users:
        assert (streak_of(user).current, freezes_held(user)) == (5, 1)
    assert StreakFreezeUse.objects.count() == 10


@pytest.mark.usefixtures("rollover_path")
def test_two_rollovers_at_once_break_each_streak_once():
    users = _many(10, freezes=0)

    results = racing.race(
        [lambda: streak_rollover(at=AT), lambda: streak_rollover(at=AT)],
        hold_seconds=HOLD_SECONDS,
    )

    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(r["streaks_broken"] for r in results) == 10
    assert all(streak_of(user).current == 0 for user in users)


@pytest.mark.usefixtures("rollover_path")
@pytest.mark.parametrize("job_first", [True, False])
def test_a_rollover_racing_a_lesson_spends_one_freeze(job_first):
    user = learner(zone="UTC", active_at=MONDAY, freezes=2)
    lesson_at = datetime(2026, 3, 4, 0, 0, 30, tzinfo=UTC)  # Wednesday, half a minute in
    job = lambda: streak_rollover(at=AT)  # noqa: E731
    lesson = lambda: lesson_completed_record(user=user, perfect=True, at=lesson_at)  # noqa: E731

    results = racing.race([job, lesson] if job_first else [lesson, job], hold_seconds=0.1)

    assert not [r for r in results if isinstance(r, Exception)]
    # Whoever came first covered Tuesday; the lesson continued the streak.
    assert (streak_of(user).current, freezes_held(user)) == (6, 1)
    assert StreakFreezeUse.objects.filter(user=user).count() == 1


def test_two_reminder_runs_at_once_send_each_reminder_once():
    users = _many(6, freezes=0)
    evening = datetime(2026, 3, 3, 19, 30, tzinfo=UTC)  # Tuesday evening, no lesson yet

    results = racing.race(
        [lambda: streak_reminders_send(at=evening)] * 2, hold_seconds=HOLD_SECONDS
    )

    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(r["reminders_sent"] for r in results) == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert ClockNotice.objects.count() == 6


def test_two_weekly_runs_at_once_send_each_email_once():
    users = _many(4, freezes=0)
    for n, user in enumerate(users):
        xp_award(user=user, amount=10, source="lesson", source_id=n, at=MONDAY)
    monday_morning = datetime(2026, 3, 9, 9, tzinfo=UTC)

    results = racing.race(
        [lambda: weekly_progress_send(at=monday_morning)] * 2, hold_seconds=HOLD_SECONDS
    )

    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(r["emails_sent"] for r in results) == 4
    assert len(mail.outbox) == 4
