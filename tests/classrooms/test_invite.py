"""The invite link: a stranger signs up (or in) through allauth and comes back to join."""

from urllib.parse import quote

import pytest

from classrooms.models import Membership
from tests.classrooms.factories import ClassroomFactory

pytestmark = pytest.mark.django_db


def test_a_stranger_signs_up_through_the_invite_and_joins(client):
    classroom = ClassroomFactory()
    invite = f"/teach/join/{classroom.join_code}/"

    to_login = client.get(invite)
    login_page = client.get(to_login["Location"]).content.decode()
    signed_up = client.post(
        f"/accounts/signup/?next={quote(invite)}",
        {
            "email": "new.student@example.com",
            "password1": "a-long-pass-phrase-1",
            "password2": "a-long-pass-phrase-1",
            "display_name": "New Student",
            "next": invite,
        },
    )
    confirm = client.get(invite)
    joined = client.post(invite)

    assert to_login.status_code == 302
    assert to_login["Location"] == f"/accounts/login/?next={invite}"
    # The page's sign-up link keeps the way back.
    assert f"/accounts/signup/?next={quote(invite, safe='')}" in login_page
    assert signed_up.status_code == 302
    assert signed_up["Location"] == invite
    assert classroom.name in confirm.content.decode()
    assert joined.status_code == 200
    membership = Membership.objects.get(classroom=classroom)
    assert membership.student.email == "new.student@example.com"


def test_opening_the_invite_does_not_join_by_itself(client, user):
    classroom = ClassroomFactory()
    client.force_login(user)

    client.get(f"/teach/join/{classroom.join_code.lower()}/")

    assert not Membership.objects.exists()


def test_a_stale_invite_says_so(client, user):
    client.force_login(user)

    response = client.get("/teach/join/NOPE22/")

    assert response.status_code == 404
    assert "does not work" in response.content.decode()
