"""The evening streak reminder and the weekly progress email: to whom, when, and once."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from gamification.clock import streak_reminders_send, streak_rollover, weekly_progress_send
from gamification.leagues.models import LeagueMember
from gamification.leagues.selectors import league_week_result
from gamification.leagues.services import league_week_close
from gamification.models import ClockNotice, ClockNoticeKind, LearnerStats
from gamification.services import streak_activity_record, xp_award
from tests.gamification.clocking import learner

pytestmark = pytest.mark.django_db

PUSHED: list[tuple[int, str, str]] = []
MONDAY = datetime(2026, 3, 2, 12, tzinfo=UTC)
TUESDAY_EVENING = datetime(2026, 3, 3, 19, tzinfo=UTC)  # 19:00 in UTC


def record_push(*, user, title: str, body: str) -> None:
    PUSHED.append((user.pk, title, body))


def failing_push(*, user, title: str, body: str) -> None:
    raise ConnectionError("push service down")


@pytest.fixture(autouse=True)
def pushes(settings):
    settings.SRS_PUSH_BACKEND = "tests.gamification.test_clock_mail.record_push"
    PUSHED.clear()
    yield PUSHED
    PUSHED.clear()


DAY = timedelta(days=1)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- The evening reminder ----------------------------------------------------------------------


def test_a_learner_with_a_streak_and_no_lesson_today_is_reminded_in_the_evening(pushes):
    user = learner(zone="UTC", active_at=MONDAY, current=4)

    result = streak_reminders_send(at=TUESDAY_EVENING)

    assert result == {"reminders_sent": 1}
    [message] = mail.outbox
    assert message.to == [user.email]
    assert "4-day streak" in message.subject
    assert "4 days" in message.body
    [(html, kind)] = message.alternatives
    assert kind == "text/html" and "<strong>4 days</strong>" in html
    assert [pk for pk, _, _ in pushes] == [user.pk]


def test_the_reminder_is_sent_once_a_day_however_often_the_job_runs(pushes):
    learner(zone="UTC", active_at=MONDAY)
    streak_reminders_send(at=TUESDAY_EVENING)

    again = streak_reminders_send(at=TUESDAY_EVENING)
    later = streak_reminders_send(at=TUESDAY_EVENING + timedelta(hours=3))

    assert again == later == {"reminders_sent": 0}
    assert len(mail.outbox) == len(pushes) == 1


def test_the_reminder_comes_at_the_learners_local_evening():
    # 19:00 in Kathmandu (UTC+5:45) is 13:15 UTC; in Los Angeles (UTC-8), 03:00 UTC next day.
    kathmandu = learner(zone="Asia/Kathmandu", active_at=utc(2026, 3, 2, 6))
    los_angeles = learner(zone="America/Los_Angeles", active_at=utc(2026, 3, 2, 20))

    streak_reminders_send(at=utc(2026, 3, 3, 13))
    assert mail.outbox == []
    streak_reminders_send(at=utc(2026, 3, 3, 14))
    assert [m.to for m in mail.outbox] == [[kathmandu.email]]
    streak_reminders_send(at=utc(2026, 3, 4, 2))
    assert len(mail.outbox) == 1
    streak_reminders_send(at=utc(2026, 3, 4, 3))
    assert [m.to for m in mail.outbox][1:] == [[los_angeles.email]]


def test_a_learner_who_had_a_lesson_today_is_not_reminded():
    user = learner(zone="UTC", active_at=MONDAY)
    streak_activity_record(user=user, at=utc(2026, 3, 3, 8))

    assert streak_reminders_send(at=TUESDAY_EVENING) == {"reminders_sent": 0}
    assert mail.outbox == []


def test_learners_without_a_streak_at_stake_are_not_reminded():
    learner(zone="UTC", active_at=MONDAY, current=0)  # no streak
    learner(zone="UTC", active_at=utc(2026, 2, 27, 12))  # lost days ago
    learner(zone="UTC", active_at=None)  # never had a lesson

    assert streak_reminders_send(at=TUESDAY_EVENING) == {"reminders_sent": 0}


def test_a_streak_a_freeze_kept_up_yesterday_is_still_at_stake():
    user = learner(zone="UTC", active_at=utc(2026, 3, 1, 12), freezes=1)  # Sunday
    streak_rollover(at=utc(2026, 3, 3))  # Monday missed: the freeze covers it

    streak_reminders_send(at=TUESDAY_EVENING)

    assert [m.to for m in mail.outbox] == [[user.email]]


def test_a_learner_who_turned_reminders_off_gets_none(pushes):
    learner(zone="UTC", active_at=MONDAY, streak_reminders=False)
    learner(zone="UTC", active_at=MONDAY, is_active=False)

    assert streak_reminders_send(at=TUESDAY_EVENING) == {"reminders_sent": 0}
    assert mail.outbox == pushes == []


def test_a_failed_push_is_logged_and_the_mail_still_counts(settings, caplog):
    settings.SRS_PUSH_BACKEND = "tests.gamification.test_clock_mail.failing_push"
    learner(zone="UTC", active_at=MONDAY)

    assert streak_reminders_send(at=TUESDAY_EVENING) == {"reminders_sent": 1}
    assert "Could not push" in caplog.text


def test_a_refused_mail_is_not_sent_again_on_the_next_run(settings, caplog):
    settings.EMAIL_BACKEND = "tests.gamification.test_clock_mail.RefusingBackend"
    learner(zone="UTC", active_at=MONDAY)

    assert streak_reminders_send(at=TUESDAY_EVENING) == {"reminders_sent": 0}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert streak_reminders_send(at=TUESDAY_EVENING) == {"reminders_sent": 0}
    assert "Could not send" in caplog.text


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


@pytest.mark.parametrize("count", [3, 30])
def test_reminder_queries_do_not_grow_with_the_learners(count, django_assert_max_num_queries):
    for _ in range(count):
        learner(zone="UTC", active_at=MONDAY)

    # The zones, the learners due, their notices, the notices won, one batch of learners.
    with django_assert_max_num_queries(5):
        assert streak_reminders_send(at=TUESDAY_EVENING) == {"reminders_sent": count}


# --- The weekly progress email -----------------------------------------------------------------

# The league week of Monday 2 to Sunday 8 March 2026 ends on Monday 9 March 00:00 UTC.
WEEK_END = utc(2026, 3, 9)


def _earner(*, zone: str = "UTC", xp: int = 30, **extra):
    user = learner(zone=zone, active_at=utc(2026, 3, 8, 12), current=3, **extra)
    xp_award(user=user, amount=xp, source="lesson", source_id=f"{user.pk}-in", at=utc(2026, 3, 8))
    # XP of the week before and of the new week is not this week's.
    xp_award(
        user=user,
        amount=7,
        source="lesson",
        source_id=f"{user.pk}-before",
        at=MONDAY - timedelta(days=1),
    )
    xp_award(user=user, amount=9, source="lesson", source_id=f"{user.pk}-after", at=WEEK_END)
    LearnerStats.objects.filter(user=user).update(words_learned=42)
    return user


def test_the_weekly_email_sums_up_the_league_week_on_monday_morning():
    user = _earner()
    rival = _earner(xp=50)

    result = weekly_progress_send(at=WEEK_END + timedelta(hours=8))

    assert result == {"week_start": "2026-03-02", "emails_sent": 2}
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    assert message.subject == "Your week: 30 XP"
    assert "XP earned: 30" in message.body
    assert "Streak: 3 days" in message.body
    assert "Words learned so far: 42" in message.body
    assert "Monday 2 March to Sunday 8 March" in message.body
    [(html, _)] = message.alternatives
    assert "<strong>30</strong>" in html
    # The week was closed first (the league job may not have run yet): second of two in bronze.
    result = league_week_result(user=user, week_start=utc(2026, 3, 2).date())
    assert (result["league"], result["rank"]) == ("bronze", 2)
    assert f"League: Bronze, rank 2, {result['result']}" in message.body
    assert league_week_result(user=rival, week_start=utc(2026, 3, 2).date())["rank"] == 1


def test_a_learner_in_no_cohort_reads_so_in_the_weekly_email():
    user = _earner()
    LeagueMember.objects.filter(user=user).delete()

    weekly_progress_send(at=WEEK_END + timedelta(hours=8))

    assert "League: no league this week" in mail.outbox[0].body


def test_the_weekly_email_waits_for_monday_morning_on_the_learners_clock():
    # UTC-12: Monday 08:00 there is Monday 20:00 UTC. UTC+14: Monday 08:00 there came before
    # the week ended, so it goes as soon as the week has.
    west = _earner(zone="Etc/GMT+12")
    east = _earner(zone="Pacific/Kiritimati")

    weekly_progress_send(at=WEEK_END)
    assert [m.to for m in mail.outbox] == [[east.email]]
    weekly_progress_send(at=WEEK_END + timedelta(hours=19))
    assert len(mail.outbox) == 1
    weekly_progress_send(at=WEEK_END + timedelta(hours=20))
    assert [m.to for m in mail.outbox][1:] == [[west.email]]


def test_the_weekly_email_is_sent_once_a_week():
    _earner()
    weekly_progress_send(at=WEEK_END + timedelta(hours=8))

    assert weekly_progress_send(at=WEEK_END + timedelta(hours=8))["emails_sent"] == 0
    assert weekly_progress_send(at=WEEK_END + timedelta(days=3))["emails_sent"] == 0
    # The next week has its own.
    assert weekly_progress_send(at=WEEK_END + timedelta(days=7, hours=8))["emails_sent"] == 1
    assert ClockNotice.objects.filter(kind=ClockNoticeKind.WEEKLY_PROGRESS).count() == 2


def test_the_weekly_email_skips_learners_who_turned_it_off_or_earned_nothing_that_week():
    _earner(weekly_progress_email=False)
    learner(zone="UTC", active_at=None)
    newcomer = learner(zone="UTC", active_at=None)  # joined on Wednesday of the new week
    xp_award(user=newcomer, amount=10, source="lesson", source_id="new", at=WEEK_END + DAY * 2)

    assert weekly_progress_send(at=WEEK_END + timedelta(hours=8))["emails_sent"] == 0
    assert weekly_progress_send(at=WEEK_END + DAY * 2 + timedelta(hours=9))["emails_sent"] == 0
    assert mail.outbox == []


def test_a_streak_lost_shows_as_none_in_the_weekly_email():
    user = learner(zone="UTC", active_at=utc(2026, 3, 4, 12), current=9)
    xp_award(user=user, amount=10, source="lesson", source_id="1", at=utc(2026, 3, 4, 12))

    weekly_progress_send(at=WEEK_END + timedelta(hours=8))

    assert "Streak: 0 days" in mail.outbox[0].body


@pytest.mark.parametrize("count", [2, 20])
def test_weekly_queries_do_not_grow_with_the_learners(count, django_assert_max_num_queries):
    for _ in range(count):
        _earner()
    league_week_close(at=WEEK_END)

    # The zones, the week closed?, the learners due, their notices, the notices won, then per
    # batch the learners with their figures and their league results.
    with django_assert_max_num_queries(7):
        assert weekly_progress_send(at=WEEK_END + timedelta(hours=8))["emails_sent"] == count


def test_runjob_sends_the_reminders_as_if_the_clock_said_at():
    learner(zone="UTC", active_at=MONDAY)
    out = StringIO()

    call_command("runjob", "streak_reminders", "--at", "2026-03-03T19:00Z", stdout=out)
    call_command("runjob", "streak_reminders", "--at", "2026-03-03T19:00Z", stdout=out)

    assert len(mail.outbox) == 1
    assert '"reminders_sent": 1' in out.getvalue()
    assert '"reminders_sent": 0' in out.getvalue()
