import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory


@pytest.fixture
def other(db):
    return UserFactory(username="ana_b", display_name="Ana")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


# The progress journey fixtures (course, lessons, enrolled, learner), for the feed-event tests.
from tests.progress.conftest import course, enrolled, learner, lessons, path  # noqa: E402, F401
