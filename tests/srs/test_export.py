from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from accounts.registry import exporters
from srs.selectors import srs_export
from srs.services import card_review
from tests.accounts.factories import UserFactory
from tests.srs.factories import ReviewCardFactory, ReviewSettingsFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 10, 12, tzinfo=UTC)


@pytest.fixture
def reviewing_user(user):
    ReviewSettingsFactory(user=user, desired_retention=0.85)
    card = ReviewCardFactory(user=user, due=NOW)
    card_review(card=card, rating=3, reviewed_at=NOW)
    ReviewCardFactory(user=UserFactory(), due=NOW)
    return user


def test_srs_registers_its_export_section():
    assert exporters()["srs"] is srs_export


def test_the_export_holds_the_learners_settings_cards_and_logs(reviewing_user):
    exported = srs_export(user=reviewing_user)

    assert exported["settings"]["desired_retention"] == 0.85
    [card] = exported["cards"]
    assert card["reps"] == 1 and card["last_review"] == NOW.isoformat()
    [log] = exported["review_logs"]
    assert (log["card"], log["rating"], log["reviewed_at"]) == (card["id"], 3, NOW.isoformat())


def test_the_export_costs_the_same_queries_with_many_cards(
    reviewing_user, django_assert_max_num_queries
):
    ReviewCardFactory.create_batch(30, user=reviewing_user)

    with django_assert_max_num_queries(3):
        exported = srs_export(user=reviewing_user)

    assert len(exported["cards"]) == 31


def test_me_export_holds_the_srs_section(reviewing_user):
    client = APIClient()
    client.force_authenticate(reviewing_user)

    response = client.get("/api/v1/me/export/")

    assert response.status_code == 200
    assert len(response.json()["srs"]["cards"]) == 1
