from datetime import UTC, date, datetime

import pytest

from accounts.models import User
from config.timeutils import aware, iso, local_day


def test_a_learners_day_is_their_calendar_day_as_a_utc_range():
    tokyo = User(timezone="Asia/Tokyo")

    day = local_day(user=tokyo, at=datetime(2025, 3, 1, 16, 30, tzinfo=UTC))

    assert day.date == date(2025, 3, 2)
    assert (day.start, day.end) == (
        datetime(2025, 3, 1, 15, 0, tzinfo=UTC),
        datetime(2025, 3, 2, 15, 0, tzinfo=UTC),
    )


def test_a_day_across_a_clock_change_is_23_hours_long():
    paris = User(timezone="Europe/Paris")

    day = local_day(user=paris, at=datetime(2025, 3, 30, 12, 0, tzinfo=UTC))

    assert (day.end - day.start).total_seconds() == 23 * 3600


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="time-zone-aware"):
        aware(datetime(2025, 1, 1, 8, 0))


def test_iso_keeps_none():
    assert (iso(None), iso(date(2025, 1, 2))) == (None, "2025-01-02")
