"""The hourly job: each learner's session and reminder once their local morning has come."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from freezegun import freeze_time

from accounts.models import User
from gamification.services import xp_award
from srs.models import DailyReviewSession, ReviewSettings
from srs.services import daily_reviews_prepare
from srs.tasks import morning_reviews, morning_reviews_batch
from tests.accounts.factories import UserFactory
from tests.srs.factories import ReviewCardFactory, ReviewLogFactory

pytestmark = pytest.mark.django_db

# 2025-06-02 (summer): London is UTC+1, New York UTC-4, Tokyo UTC+9.
DAY = date(2025, 6, 2)
pushes: list[tuple[int, str, str]] = []


def record_push(*, user, title, body):
    pushes.append((user.pk, title, body))


@pytest.fixture(autouse=True)
def _push_recorder(settings):
    settings.SRS_PUSH_BACKEND = "tests.srs.test_job.record_push"
    pushes.clear()


def _learner(zone, *, due_cards=2, **settings):
    user = UserFactory(timezone=zone)
    if settings:
        ReviewSettings.objects.create(user=user, **settings)
    for _ in range(due_cards):
        ReviewCardFactory(user=user, seen=True, due=datetime(2025, 5, 30, tzinfo=UTC))
    return user


def _at(hour, minute=0):
    return datetime(2025, 6, 2, hour, minute, tzinfo=UTC)


def _recipients():
    return sorted(message.to[0] for message in mail.outbox)


def test_each_learner_is_reminded_once_when_their_local_morning_comes():
    tokyo = _learner("Asia/Tokyo")
    london = _learner("Europe/London")
    new_york = _learner("America/New_York")

    daily_reviews_prepare(now=_at(6))  # Tokyo 15:00, London 07:00, New York 02:00
    after_6 = _recipients()
    daily_reviews_prepare(now=_at(7))  # London 08:00
    daily_reviews_prepare(now=_at(7, 30))  # the same hour again
    after_7 = _recipients()
    daily_reviews_prepare(now=_at(12))  # New York 08:00
    after_12 = _recipients()

    assert after_6 == [tokyo.email]
    assert after_7 == sorted([tokyo.email, london.email])
    assert after_12 == sorted([tokyo.email, london.email, new_york.email])
    assert [p[0] for p in pushes] == [tokyo.pk, london.pk, new_york.pk]
    assert DailyReviewSession.objects.filter(local_date=DAY).count() == 3


def test_running_the_job_twice_sends_nothing_twice():
    learner = _learner("Europe/London")

    first = daily_reviews_prepare(now=_at(9))
    second = daily_reviews_prepare(now=_at(9, 5))

    assert (first.sessions_created, first.reminders_sent) == (1, 1)
    assert (second.sessions_created, second.reminders_sent) == (0, 0)
    assert len(mail.outbox) == 1
    session = DailyReviewSession.objects.get(user=learner)
    assert session.reminder_sent_at == _at(9)


def test_the_session_snapshots_todays_queue():
    learner = _learner("Europe/London", due_cards=3, max_reviews_per_day=2)

    daily_reviews_prepare(now=_at(9))

    session = DailyReviewSession.objects.get(user=learner)
    assert (session.local_date, session.size) == (DAY, 2)
    assert len(session.card_ids) == 2
    assert set(session.card_ids) <= set(learner.review_cards.values_list("pk", flat=True))
    assert "2 words to review" in mail.outbox[0].body


def test_the_reminder_hour_is_the_learners_own():
    learner = _learner("Europe/London", reminder_hour=11)

    daily_reviews_prepare(now=_at(9))  # 10:00 in London
    assert not DailyReviewSession.objects.exists()

    daily_reviews_prepare(now=_at(10))  # 11:00 in London
    assert _recipients() == [learner.email]


def test_a_new_local_day_gets_a_new_session_and_reminder():
    learner = _learner("Asia/Tokyo")

    daily_reviews_prepare(now=_at(0))  # 09:00 on June 2 in Tokyo
    daily_reviews_prepare(now=_at(0) + timedelta(days=1))  # 09:00 on June 3

    assert len(mail.outbox) == 2
    assert list(
        DailyReviewSession.objects.filter(user=learner)
        .order_by("local_date")
        .values_list("local_date", flat=True)
    ) == [DAY, DAY + timedelta(days=1)]


def test_no_reminder_for_learners_who_turned_reminders_off():
    _learner("Europe/London", reminders_enabled=False)

    result = daily_reviews_prepare(now=_at(9))

    assert (result.sessions_created, result.reminders_sent) == (1, 0)
    assert mail.outbox == [] and pushes == []


def test_no_reminder_without_due_cards():
    learner = _learner("Europe/London", due_cards=0)
    ReviewCardFactory(user=learner, seen=True, due=_at(12))

    daily_reviews_prepare(now=_at(9))

    assert mail.outbox == []
    assert DailyReviewSession.objects.get(user=learner).size == 0


def test_no_reminder_for_a_learner_who_reviewed_today():
    learner = _learner("Europe/London")
    ReviewLogFactory(card=learner.review_cards.first(), reviewed_at=_at(6, 30))  # 07:30 local

    daily_reviews_prepare(now=_at(9))

    assert mail.outbox == []


def test_no_reminder_for_a_learner_who_earned_xp_today():
    learner = _learner("Europe/London")
    xp_award(user=learner, amount=10, source="lesson", source_id=1, at=_at(6, 30))

    daily_reviews_prepare(now=_at(9))

    assert mail.outbox == []


def test_yesterdays_study_does_not_silence_todays_reminder():
    learner = _learner("Europe/London")
    ReviewLogFactory(card=learner.review_cards.first(), reviewed_at=_at(22) - timedelta(days=1))

    daily_reviews_prepare(now=_at(9))

    assert _recipients() == [learner.email]


def test_learners_without_cards_are_left_alone():
    UserFactory(timezone="Europe/London")

    result = daily_reviews_prepare(now=_at(9))

    assert result.sessions_created == 0
    assert not DailyReviewSession.objects.exists()


def test_a_failing_reminder_is_retried_by_the_next_run(monkeypatch):
    learner = _learner("Europe/London")

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr("srs.services.send_mail", refuse)
    failed = daily_reviews_prepare(now=_at(9))
    monkeypatch.undo()
    retried = daily_reviews_prepare(now=_at(10))

    assert (failed.sessions_created, failed.reminders_sent) == (0, 0)
    assert (retried.sessions_created, retried.reminders_sent) == (1, 1)
    assert _recipients() == [learner.email]


def test_the_task_runs_the_job_with_the_current_time():
    learner = _learner("Europe/London")

    with freeze_time(_at(9)):
        batches = morning_reviews.delay().get()

    assert batches == 1
    assert _recipients() == [learner.email]
    assert DailyReviewSession.objects.get(user=learner).reminder_sent_at == _at(9)


def test_the_task_hands_the_learners_to_one_task_per_batch(monkeypatch):
    learners = [_learner("Europe/London") for _ in range(5)]
    _learner("America/New_York")  # 05:00 there: not yet
    monkeypatch.setattr("srs.tasks.LEARNERS_PER_BATCH", 2)
    batches = []
    run_batch = morning_reviews_batch.run

    def record(user_ids):
        batches.append(user_ids)
        return run_batch(user_ids)

    monkeypatch.setattr(morning_reviews_batch, "run", record)

    with freeze_time(_at(9)):
        count = morning_reviews.delay().get()

    assert count == 3
    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert sorted(pk for batch in batches for pk in batch) == [user.pk for user in learners]
    assert _recipients() == sorted(user.email for user in learners)


def test_a_batch_run_again_sends_nothing_twice():
    learner = _learner("Europe/London")

    with freeze_time(_at(9)):
        first = morning_reviews_batch.delay([learner.pk]).get()
        second = morning_reviews_batch.delay([learner.pk]).get()

    assert first == {"sessions_created": 1, "reminders_sent": 1}
    assert second == {"sessions_created": 0, "reminders_sent": 0}
    assert len(mail.outbox) == 1


def refuse_push(*, user, title, body):
    raise ConnectionError("the push provider is down")


def test_a_failing_push_after_the_mail_keeps_the_session_so_the_mail_is_not_sent_again(settings):
    learner = _learner("Europe/London")
    settings.SRS_PUSH_BACKEND = "tests.srs.test_job.refuse_push"

    first = daily_reviews_prepare(now=_at(9))
    second = daily_reviews_prepare(now=_at(10))

    assert (first.sessions_created, first.reminders_sent) == (1, 1)
    assert (second.sessions_created, second.reminders_sent) == (0, 0)
    assert _recipients() == [learner.email]
    assert DailyReviewSession.objects.get(user=learner).reminder_sent_at == _at(9)


def test_a_learner_with_an_unknown_time_zone_does_not_stop_the_job():
    lost = _learner("Europe/London")
    User.objects.filter(pk=lost.pk).update(timezone="Mars/Olympus_Mons")
    learner = _learner("Europe/London")

    result = daily_reviews_prepare(now=_at(9))

    assert (result.sessions_created, result.reminders_sent) == (1, 1)
    assert _recipients() == [learner.email]


@pytest.mark.parametrize("learners", [3, 30])
def test_the_hourly_scan_costs_one_query_however_many_learners_wait_for_morning(
    learners, django_assert_max_num_queries
):
    for n in range(learners):
        _learner("America/Los_Angeles", due_cards=1, **({"reminder_hour": 9} if n % 2 else {}))

    with django_assert_max_num_queries(1):
        result = daily_reviews_prepare(now=_at(9))  # 02:00 in Los Angeles

    assert result.sessions_created == 0


@pytest.mark.parametrize("learners", [3, 30])
def test_preparing_a_batch_reads_settings_without_a_query_per_learner(
    learners, django_assert_max_num_queries
):
    users = [
        _learner("Europe/London", due_cards=1, **({"reminder_hour": 11} if n % 2 else {}))
        for n in range(learners)
    ]

    # Loading the batch and its settings is one query; at 07:00 in London no one is due yet.
    with django_assert_max_num_queries(1):
        result = daily_reviews_prepare(user_ids=[u.pk for u in users], now=_at(6))

    assert result.sessions_created == 0


def test_the_job_is_scheduled_hourly_at_minute_zero_by_a_migration():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.select_related("crontab").get(task="srs.tasks.morning_reviews")

    assert task.enabled
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("0", "*", "*")
    assert (crontab.day_of_month, crontab.month_of_year) == ("*", "*")
