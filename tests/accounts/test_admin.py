"""The user admin: email login, no username."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import LoginSession, User
from tests.accounts.factories import LoginSessionFactory, UserFactory
from tests.accounts.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_user_changelist")
ADD = reverse("admin:accounts_user_add")


def change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def listed(response) -> set[str]:
    return {user.email for user in response.context["cl"].result_list}


@pytest.fixture
def learners():
    teacher = UserFactory(email="teacher@example.com", display_name="Marta")
    teacher.groups.add(Group.objects.get(name="teachers"))
    return {
        "teacher": teacher,
        "learner": UserFactory(
            email="learner@example.com",
            display_name="Tomás",
            last_login=datetime(2025, 3, 1, tzinfo=UTC),
        ),
        "gone": UserFactory(email="gone@example.com", display_name="Gone", is_active=False),
    }


def test_the_changelist_lists_users_with_their_profile(admin_client, learners):
    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    assert {"teacher@example.com", "learner@example.com", "gone@example.com"} <= listed(response)
    assert b"Marta" in response.content


def test_users_are_found_by_email(admin_client, learners):
    response = admin_client.get(CHANGELIST, {"q": "LEARNER@example"})

    assert listed(response) == {"learner@example.com"}


def test_users_are_found_by_display_name(admin_client, learners):
    response = admin_client.get(CHANGELIST, {"q": "marta"})

    assert listed(response) == {"teacher@example.com"}


def test_users_are_filtered_by_group(admin_client, learners):
    teachers = Group.objects.get(name="teachers")

    response = admin_client.get(CHANGELIST, {"groups__id__exact": teachers.pk})

    assert listed(response) == {"teacher@example.com"}


def test_users_are_filtered_by_active(admin_client, learners):
    response = admin_client.get(CHANGELIST, {"is_active__exact": "0"})

    assert listed(response) == {"gone@example.com"}


def test_users_are_filtered_by_staff(admin_client, learners):
    response = admin_client.get(CHANGELIST, {"is_staff__exact": "1"})

    assert listed(response) == {"admin@example.com"}


def test_users_are_filtered_by_last_login(admin_client, learners):
    response = admin_client.get(
        CHANGELIST,
        {
            "last_login__gte": "2025-03-01 00:00:00+00:00",
            "last_login__lt": "2025-03-02 00:00:00+00:00",
        },
    )

    assert listed(response) == {"learner@example.com"}


def test_users_who_never_logged_in_are_filtered(admin_client, learners):
    response = admin_client.get(CHANGELIST, {"last_login__isnull": "True"})

    assert listed(response) == {"teacher@example.com", "gone@example.com"}


def test_users_are_filtered_by_date_joined(admin_client, learners):
    UserFactory(email="early@example.com", date_joined=datetime(2020, 1, 1, tzinfo=UTC))

    response = admin_client.get(
        CHANGELIST,
        {
            "date_joined__gte": "2020-01-01 00:00:00+00:00",
            "date_joined__lt": "2020-01-02 00:00:00+00:00",
        },
    )

    assert listed(response) == {"early@example.com"}


def test_the_add_page_asks_for_an_email_and_no_username(admin_client):
    response = admin_client.get(ADD)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "email" in form.fields
    assert "username" not in form.fields


def test_adding_a_user_with_a_password(admin_client):
    response = admin_client.post(
        ADD,
        {
            "email": "new@example.com",
            "display_name": "New",
            "timezone": "Europe/Lisbon",
            "daily_goal_xp": 30,
            "usable_password": "true",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert (user.timezone, user.daily_goal_xp) == ("Europe/Lisbon", 30)
    assert user.check_password("a-long-unusual-passphrase")


def test_adding_a_user_without_a_password(admin_client):
    admin_client.post(
        ADD,
        {
            "email": "sso@example.com",
            "display_name": "SSO",
            "timezone": "UTC",
            "daily_goal_xp": 20,
            "usable_password": "false",
        },
    )

    assert not User.objects.get(email="sso@example.com").has_usable_password()


def test_adding_a_user_with_a_taken_email_in_another_case_is_refused(admin_client, learners):
    response = admin_client.post(
        ADD,
        {
            "email": "Teacher@Example.com",
            "display_name": "Copy",
            "timezone": "UTC",
            "daily_goal_xp": 20,
            "usable_password": "false",
        },
    )

    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="teacher@example.com").count() == 1


def test_the_change_page_shows_the_user(admin_client, learners):
    response = admin_client.get(change_url(learners["learner"]))

    assert response.status_code == 200
    assert b"learner@example.com" in response.content


def test_changing_a_user(admin_client, learners):
    user = learners["learner"]
    teachers = Group.objects.get(name="teachers")

    response = admin_client.post(
        change_url(user),
        {
            "email": user.email,
            "display_name": "Tomás R.",
            "timezone": "America/Lima",
            "daily_goal_xp": 10,
            "is_active": "on",
            "groups": [teachers.pk],
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.timezone, user.daily_goal_xp) == (
        "Tomás R.",
        "America/Lima",
        10,
    )
    assert list(user.groups.all()) == [teachers]


def test_changing_to_an_unknown_time_zone_is_refused(admin_client, learners):
    user = learners["learner"]

    response = admin_client.post(
        change_url(user),
        {"email": user.email, "display_name": "x", "timezone": "Nowhere/City", "daily_goal_xp": 20},
    )

    assert response.status_code == 200
    assert "timezone" in response.context["adminform"].form.errors


def test_deleting_a_user_in_the_admin_ends_their_logins(admin_client, api_client, token_pair, user):
    response = admin_client.post(
        reverse("admin:accounts_user_delete", args=[user.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert_error(api_client.get("/api/v1/me/", **bearer(token_pair.access)), 401, "token_not_valid")


def test_a_password_set_in_the_admin_ends_the_users_logins(
    admin_client, api_client, token_pair, user
):
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {
            "usable_password": "true",
            "password1": "a-fresh-unusual-passphrase",
            "password2": "a-fresh-unusual-passphrase",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-fresh-unusual-passphrase")
    assert_error(api_client.get("/api/v1/me/", **bearer(token_pair.access)), 401, "token_not_valid")


# --- Login sessions -----------------------------------------------------------------------------

SESSIONS = reverse("admin:accounts_loginsession_changelist")


def test_the_login_sessions_are_listed_and_found_by_email(admin_client, learners):
    LoginSessionFactory(user=learners["learner"])
    LoginSessionFactory(user=learners["teacher"])

    response = admin_client.get(SESSIONS, {"q": "learner@"})

    assert response.status_code == 200
    assert [s.user for s in response.context["cl"].result_list] == [learners["learner"]]


def test_the_admin_can_end_a_login(admin_client, api_client, user, token_pair):
    session = LoginSession.objects.get(user=user)

    response = admin_client.post(
        SESSIONS, {"action": "revoke", "_selected_action": [session.pk]}, follow=True
    )

    assert response.status_code == 200
    session.refresh_from_db()
    assert session.revoke_reason == "admin"
    assert_error(api_client.get("/api/v1/me/", **bearer(token_pair.access)), 401, "token_not_valid")


def test_login_sessions_cannot_be_added_or_edited_in_the_admin(admin_client):
    session = LoginSessionFactory()

    assert admin_client.get(reverse("admin:accounts_loginsession_add")).status_code == 403
    change = reverse("admin:accounts_loginsession_change", args=[session.pk])
    response = admin_client.post(change, {"revoke_reason": "logout"})
    session.refresh_from_db()
    assert session.revoke_reason == ""
    assert response.status_code == 403
