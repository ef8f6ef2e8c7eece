import pytest
from django.contrib.auth.models import Group

from tests.accounts.factories import UserFactory


@pytest.fixture
def editor(db):
    """A real content editor: staff, in the `editors` group, with only its permissions."""
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
