from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from tests.accounts.factories import UserFactory
from tests.srs.factories import ReviewCardFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/reviews/forecast/"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)  # 08:00 in New York (UTC-4)
TODAY = date(2025, 6, 1)


@pytest.fixture
def learner(api_client):
    user = UserFactory(timezone="America/New_York")
    api_client.force_authenticate(user=user)
    return user


def _card(user, due, **kwargs):
    return ReviewCardFactory(user=user, seen=True, due=due, **kwargs)


@freeze_time(NOW)
def test_forecast_counts_cards_per_local_day_with_overdue_ones_today(
    api_client, learner, django_assert_num_queries
):
    _card(learner, NOW - timedelta(days=3))  # overdue: today
    _card(learner, datetime(2025, 6, 2, 1, 0, tzinfo=UTC))  # 21:00 on June 1 in New York
    _card(learner, datetime(2025, 6, 2, 5, 0, tzinfo=UTC))  # 01:00 on June 2 in New York
    _card(learner, datetime(2025, 6, 4, 3, 59, tzinfo=UTC))  # 23:59 on June 3
    _card(learner, datetime(2025, 6, 8, 3, 59, tzinfo=UTC))  # June 7: the 7th day
    _card(learner, datetime(2025, 6, 8, 4, 0, tzinfo=UTC))  # June 8: beyond 7 days
    _card(learner, NOW, suspended=True)
    _card(UserFactory(), NOW)

    with django_assert_num_queries(1):
        response = api_client.get(URL, {"days": 7})

    assert response.status_code == 200
    body = response.json()
    assert body["days"] == 7
    counts = {row["date"]: row["count"] for row in body["results"]}
    assert counts == {
        "2025-06-01": 2,
        "2025-06-02": 1,
        "2025-06-03": 1,
        "2025-06-04": 0,
        "2025-06-05": 0,
        "2025-06-06": 0,
        "2025-06-07": 1,
    }
    assert [row["date"] for row in body["results"]] == sorted(counts)


@freeze_time(NOW)
def test_forecast_covers_seven_days_by_default(api_client, learner):
    body = api_client.get(URL).json()

    assert body["days"] == 7
    assert [row["date"] for row in body["results"]] == [
        (TODAY + timedelta(days=n)).isoformat() for n in range(7)
    ]


@freeze_time(NOW)
def test_forecast_covers_up_to_a_year(api_client, learner):
    _card(learner, NOW + timedelta(days=300))

    body = api_client.get(URL, {"days": 365}).json()

    assert len(body["results"]) == 365
    assert sum(row["count"] for row in body["results"]) == 1


@pytest.mark.parametrize("days", ["0", "366", "-1", "week", "2.5"])
def test_forecast_refuses_days_outside_one_to_365(api_client, learner, days):
    response = api_client.get(URL, {"days": days})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "days" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("zone", "today", "day_hours"),
    [
        ("America/New_York", date(2025, 3, 9), 23),  # clocks go forward at 02:00
        ("America/New_York", date(2025, 11, 2), 25),  # and back at 02:00
        ("Australia/Lord_Howe", date(2025, 10, 5), 23.5),  # forward by half an hour
        ("Australia/Lord_Howe", date(2025, 4, 6), 24.5),  # back by half an hour
    ],
)
def test_forecast_days_follow_the_local_clock_across_a_dst_change(
    api_client, zone, today, day_hours
):
    user = UserFactory(timezone=zone)
    api_client.force_authenticate(user=user)
    start, end = (
        datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(zone)).astimezone(UTC)
        for day in (today, today + timedelta(days=1))
    )
    assert (end - start).total_seconds() == day_hours * 3600  # the day really is that long
    _card(user, start + timedelta(minutes=1))  # already due: today
    _card(user, end - timedelta(microseconds=1))  # the day's last instant: today
    _card(user, end)  # tomorrow's first instant

    with freeze_time(start + timedelta(minutes=5)):
        body = api_client.get(URL, {"days": 2}).json()

    assert [(row["date"], row["count"]) for row in body["results"]] == [
        (today.isoformat(), 2),
        ((today + timedelta(days=1)).isoformat(), 1),
    ]
