"""Daily limits count reviews on the learner's local day: for a learner in Tokyo (UTC+9) the
day turns at 15:00 UTC, in the middle of the UTC day."""

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from srs.models import ReviewSettings
from tests.accounts.factories import UserFactory
from tests.srs.factories import ReviewCardFactory, ReviewLogFactory

pytestmark = pytest.mark.django_db

DUE_URL = "/api/v1/reviews/due/"
BEFORE_MIDNIGHT = datetime(2025, 3, 10, 14, 50, tzinfo=UTC)  # 23:50 in Tokyo
AFTER_MIDNIGHT = datetime(2025, 3, 10, 15, 5, tzinfo=UTC)  # 00:05 the next day in Tokyo


@pytest.fixture
def tokyo(db):
    return UserFactory(timezone="Asia/Tokyo")


@pytest.fixture
def client_for(api_client):
    def login(user):
        api_client.force_authenticate(user=user)
        return api_client

    return login


def _new_cards(user, count):
    return ReviewCardFactory.create_batch(count, user=user, due=BEFORE_MIDNIGHT - timedelta(days=1))


def test_new_cards_are_limited_per_day(tokyo, client_for):
    ReviewSettings.objects.create(user=tokyo, new_cards_per_day=2)
    _new_cards(tokyo, 5)

    with freeze_time(BEFORE_MIDNIGHT):
        body = client_for(tokyo).get(DUE_URL).json()

    assert (body["count"], body["new_left"], len(body["results"])) == (2, 2, 2)


def test_new_cards_reviewed_today_use_up_the_days_new_cards_until_local_midnight(tokyo, client_for):
    ReviewSettings.objects.create(user=tokyo, new_cards_per_day=2)
    _new_cards(tokyo, 5)
    client = client_for(tokyo)
    with freeze_time(BEFORE_MIDNIGHT - timedelta(minutes=30)):  # 23:20 in Tokyo
        for item in client.get(DUE_URL).json()["results"]:
            # Easy sends a new card to the Review state, due days later.
            url = f"/api/v1/reviews/{item['card']}/answer/"
            assert client.post(url, {"rating": 4}).status_code == 200

    with freeze_time(BEFORE_MIDNIGHT):
        before = client.get(DUE_URL).json()
    with freeze_time(AFTER_MIDNIGHT):
        after = client.get(DUE_URL).json()

    assert (before["count"], before["new_left"]) == (0, 0)
    assert (after["count"], after["new_left"]) == (2, 2)


def test_reviews_are_limited_per_day(tokyo, client_for):
    ReviewSettings.objects.create(user=tokyo, max_reviews_per_day=3)
    ReviewCardFactory.create_batch(
        5, user=tokyo, seen=True, due=BEFORE_MIDNIGHT - timedelta(hours=2)
    )

    with freeze_time(BEFORE_MIDNIGHT):
        body = client_for(tokyo).get(DUE_URL).json()

    assert (body["count"], body["reviews_left"]) == (3, 3)


def test_reviews_done_before_the_learners_midnight_no_longer_count_after_it(tokyo, client_for):
    ReviewSettings.objects.create(user=tokyo, max_reviews_per_day=3, new_cards_per_day=3)
    ReviewCardFactory.create_batch(
        5, user=tokyo, seen=True, due=BEFORE_MIDNIGHT - timedelta(hours=2)
    )
    # Two reviews at 23:00 Tokyo; the same UTC day as both requests below.
    ReviewLogFactory.create_batch(
        2,
        card=ReviewCardFactory(user=tokyo, seen=True, due=AFTER_MIDNIGHT + timedelta(days=9)),
        reviewed_at=datetime(2025, 3, 10, 14, 0, tzinfo=UTC),
    )
    client = client_for(tokyo)

    with freeze_time(BEFORE_MIDNIGHT):
        before = client.get(DUE_URL).json()
    with freeze_time(AFTER_MIDNIGHT):
        after = client.get(DUE_URL).json()

    assert (before["count"], before["reviews_left"]) == (1, 1)
    assert (after["count"], after["reviews_left"]) == (3, 3)


def test_reviews_at_the_very_start_of_the_local_day_count_for_it(tokyo, client_for):
    # 15:00 UTC on the 10th is midnight on the 11th in Tokyo: reviews at that instant are the
    # new day's. Stored datetimes and the day's bounds must be compared as instants, not as
    # text in two formats (SQLite keeps datetimes as text).
    ReviewSettings.objects.create(user=tokyo, max_reviews_per_day=3, new_cards_per_day=3)
    ReviewCardFactory.create_batch(5, user=tokyo, seen=True, due=datetime(2025, 3, 9, tzinfo=UTC))
    ReviewLogFactory.create_batch(
        2,
        card=ReviewCardFactory(user=tokyo, seen=True, due=datetime(2025, 4, 1, tzinfo=UTC)),
        reviewed_at=datetime(2025, 3, 10, 15, 0, tzinfo=UTC),
    )

    with freeze_time(datetime(2025, 3, 11, 0, 0, tzinfo=UTC)):
        body = client_for(tokyo).get(DUE_URL).json()

    assert (body["count"], body["reviews_left"]) == (1, 1)


def test_new_cards_never_exceed_the_reviews_left(tokyo, client_for):
    ReviewSettings.objects.create(user=tokyo, new_cards_per_day=10, max_reviews_per_day=10)
    _new_cards(tokyo, 5)
    ReviewLogFactory.create_batch(
        8,
        card=ReviewCardFactory(user=tokyo, seen=True, due=AFTER_MIDNIGHT + timedelta(days=9)),
        reviewed_at=BEFORE_MIDNIGHT - timedelta(hours=1),
    )

    with freeze_time(BEFORE_MIDNIGHT):
        body = client_for(tokyo).get(DUE_URL).json()

    assert (body["count"], body["new_left"], body["reviews_left"]) == (2, 2, 2)
