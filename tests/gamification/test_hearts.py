"""Hearts regenerate from timestamps alone: one every HEARTS_REFILL_MINUTES, up to HEARTS_MAX."""

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from config.api.errors import ApplicationError
from gamification.models import Hearts
from gamification.selectors import hearts_get
from gamification.services import heart_lose, heart_restore, hearts_refill

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def _hearts_settings(settings):
    settings.HEARTS_MAX = 5
    settings.HEARTS_REFILL_MINUTES = 240


def lose(user, times: int) -> None:
    for _ in range(times):
        heart_lose(user=user)


def test_a_learner_who_never_lost_a_heart_has_them_all_without_a_row(user):
    state = hearts_get(user=user, now=START)

    assert (state.count, state.max, state.next_refill_at) == (5, 5, None)
    assert not Hearts.objects.exists()


def test_losing_a_heart_at_full_starts_the_refill_clock_then(user):
    state = heart_lose(user=user, now=START)

    assert (state.count, state.next_refill_at) == (4, START + 4 * HOUR)


def test_a_lost_heart_comes_back_after_four_hours_and_not_before(user):
    with freeze_time(START, tick=True) as clock:
        heart_lose(user=user)
        clock.tick(4 * HOUR - timedelta(seconds=5))
        assert hearts_get(user=user).count == 4

        clock.tick(timedelta(seconds=10))
        assert hearts_get(user=user).count == 5
        assert hearts_get(user=user).next_refill_at is None


def test_two_hearts_come_back_over_eight_hours_one_at_a_time(user):
    with freeze_time(START) as clock:
        lose(user, 3)
        clock.tick(4 * HOUR)
        assert hearts_get(user=user).count == 3
        clock.tick(4 * HOUR)
        state = hearts_get(user=user)

    assert (state.count, state.next_refill_at) == (4, START + 12 * HOUR)


def test_hearts_never_regenerate_past_the_maximum(user):
    with freeze_time(START) as clock:
        lose(user, 5)
        clock.tick(20 * HOUR + 30 * timedelta(minutes=1))
        assert hearts_get(user=user).count == 5
        clock.tick(100 * HOUR)
        state = hearts_get(user=user)

    assert (state.count, state.next_refill_at) == (5, None)


def test_losing_a_heart_keeps_the_progress_towards_the_next_one(user):
    with freeze_time(START) as clock:
        lose(user, 2)  # 3 left, the clock started at START
        clock.tick(5 * HOUR)  # one back at +4h, one hour towards the next
        state = heart_lose(user=user)

        assert state.count == 3
        assert state.next_refill_at == START + 8 * HOUR
        clock.tick(3 * HOUR)
        assert hearts_get(user=user).count == 4


def test_reading_hearts_does_not_move_the_refill_clock(user):
    with freeze_time(START) as clock:
        heart_lose(user=user)
        for _ in range(3):
            clock.tick(HOUR)
            hearts_get(user=user)
        clock.tick(HOUR)
        assert hearts_get(user=user).count == 5


def test_losing_a_heart_after_regenerating_to_full_restarts_the_clock_then(user):
    with freeze_time(START) as clock:
        heart_lose(user=user)
        clock.tick(10 * HOUR)
        state = heart_lose(user=user)

    assert (state.count, state.next_refill_at) == (4, START + 14 * HOUR)


def test_heart_lose_at_zero_is_refused_with_no_hearts_and_changes_nothing(user):
    with freeze_time(START) as clock:
        lose(user, 5)
        clock.tick(HOUR)
        with pytest.raises(ApplicationError) as refused:
            heart_lose(user=user)
        assert hearts_get(user=user).next_refill_at == START + 4 * HOUR

    assert (refused.value.code, refused.value.status_code) == ("no_hearts", 403)
    assert Hearts.objects.get(user=user).count == 0


def test_a_heart_regenerated_from_zero_can_be_lost_again(user):
    with freeze_time(START) as clock:
        lose(user, 5)
        clock.tick(4 * HOUR)
        state = heart_lose(user=user)

    assert state.count == 0
    assert state.next_refill_at == START + 8 * HOUR


def test_heart_restore_gives_one_back_and_keeps_the_clock(user):
    with freeze_time(START) as clock:
        lose(user, 3)
        clock.tick(HOUR)
        state = heart_restore(user=user)

    assert (state.count, state.next_refill_at) == (3, START + 4 * HOUR)


def test_heart_restore_stops_at_the_maximum(user):
    heart_lose(user=user, now=START)

    state = heart_restore(user=user, amount=3, now=START + HOUR)

    assert (state.count, state.next_refill_at) == (5, None)


def test_heart_restore_refuses_a_non_positive_amount(user):
    with pytest.raises(ValueError, match="amount"):
        heart_restore(user=user, amount=0, now=START)


def test_refill_fills_hearts_to_the_maximum(user):
    lose(user, 5)

    state = hearts_refill(user=user)

    assert (state.count, state.next_refill_at) == (5, None)
    assert Hearts.objects.get(user=user).count == 5


def test_a_lowered_maximum_caps_the_stored_count(user, settings):
    Hearts.objects.create(user=user, count=5, refill_anchor=START)
    settings.HEARTS_MAX = 3

    assert hearts_get(user=user, now=START).count == 3
    assert heart_lose(user=user, now=START).count == 2


def test_a_now_before_the_anchor_regenerates_nothing(user):
    heart_lose(user=user, now=START)

    assert hearts_get(user=user, now=START - 10 * HOUR).count == 4


def test_the_refill_interval_comes_from_settings(user, settings):
    settings.HEARTS_REFILL_MINUTES = 30
    heart_lose(user=user, now=START)

    assert hearts_get(user=user, now=START + timedelta(minutes=30)).count == 5
