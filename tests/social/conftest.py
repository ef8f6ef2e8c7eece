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
