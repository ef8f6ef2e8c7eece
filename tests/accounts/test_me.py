"""GET, PATCH, DELETE me/, GET me/export/ and POST me/password/."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import Group
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import User
from accounts.registry import (
    deletion_hook_register,
    deletion_hook_unregister,
    exporter_register,
    exporter_unregister,
)
from tests.accounts.factories import EmailAddressFactory, SocialAccountFactory, UserFactory
from tests.accounts.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
EXPORT = "/api/v1/me/export/"
PASSWORD = "/api/v1/me/password/"
LOGIN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"


# --- GET me/ ------------------------------------------------------------------------------------


def test_me_shows_the_callers_account(jwt_client, user):
    response = jwt_client.get(ME)

    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "username": user.username,
        "profile_public": True,
        "leaderboard_opt_out": False,
        "streak_reminders": True,
        "weekly_progress_email": True,
        "timezone": "UTC",
        "daily_goal_xp": 20,
        "date_joined": user.date_joined.isoformat().replace("+00:00", "Z"),
        "last_login": None,
        "has_password": True,
        "totp_enabled": False,
    }


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_me_refuses_anonymous_callers_with_401(api_client, method):
    response = getattr(api_client, method)(ME, {})

    assert_error(response, 401, "not_authenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("url", [EXPORT, PASSWORD])
def test_the_other_me_endpoints_refuse_anonymous_callers(api_client, url):
    response = api_client.get(url) if url == EXPORT else api_client.post(url, {})

    assert_error(response, 401, "not_authenticated")


# --- PATCH me/ ----------------------------------------------------------------------------------


def test_patching_changes_the_given_fields_only(jwt_client, user):
    response = jwt_client.patch(ME, {"timezone": "America/Bogota", "daily_goal_xp": 50})

    assert response.status_code == 200
    assert response.json()["timezone"] == "America/Bogota"
    assert response.json()["daily_goal_xp"] == 50
    user.refresh_from_db()
    assert (user.timezone, user.daily_goal_xp) == ("America/Bogota", 50)


def test_patching_turns_the_clock_mails_off_and_on(jwt_client, user):
    response = jwt_client.patch(ME, {"streak_reminders": False, "weekly_progress_email": False})

    assert response.status_code == 200
    body = response.json()
    assert (body["streak_reminders"], body["weekly_progress_email"]) == (False, False)
    user.refresh_from_db()
    assert (user.streak_reminders, user.weekly_progress_email) == (False, False)

    jwt_client.patch(ME, {"weekly_progress_email": True})

    user.refresh_from_db()
    assert (user.streak_reminders, user.weekly_progress_email) == (False, True)


def test_a_mail_preference_that_is_not_a_boolean_is_refused(jwt_client, user):
    response = jwt_client.patch(ME, {"streak_reminders": "sometimes"})

    assert_error(response, 400, "invalid", fields=["streak_reminders"])
    user.refresh_from_db()
    assert user.streak_reminders is True


def test_patching_the_display_name_trims_it(jwt_client, user):
    response = jwt_client.patch(ME, {"display_name": "  Ana María  "})

    assert response.json()["display_name"] == "Ana María"


def test_a_daily_goal_outside_the_choices_is_refused(jwt_client, user):
    response = jwt_client.patch(ME, {"daily_goal_xp": 15})

    assert_error(response, 400, "invalid", fields=["daily_goal_xp"])
    user.refresh_from_db()
    assert user.daily_goal_xp == 20


def test_an_unknown_time_zone_is_refused_on_patch(jwt_client, user):
    response = jwt_client.patch(ME, {"timezone": "Europe/Atlantis"})

    assert_error(response, 400, "invalid", fields=["timezone"])
    user.refresh_from_db()
    assert user.timezone == "UTC"


def test_the_email_cannot_be_changed_through_patch(jwt_client, user):
    email = user.email

    jwt_client.patch(ME, {"email": "other@example.com"})

    user.refresh_from_db()
    assert user.email == email


# --- GET me/export/ -----------------------------------------------------------------------------


def test_the_export_holds_the_users_account_data(jwt_client, user):
    user.groups.add(Group.objects.get(name="teachers"))
    EmailAddressFactory(user=user)
    SocialAccountFactory(user=user, uid="g-1", extra_data={"name": "Ana"})

    response = jwt_client.get(EXPORT)

    assert response.status_code == 200
    data = response.json()
    assert data["exported_at"]
    assert data["account"] == {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "username": user.username,
        "profile_public": True,
        "leaderboard_opt_out": False,
        "streak_reminders": True,
        "weekly_progress_email": True,
        "timezone": "UTC",
        "daily_goal_xp": 20,
        "date_joined": user.date_joined.isoformat(),
        "last_login": None,
        "is_active": True,
        "is_staff": False,
        "has_password": True,
        "groups": ["teachers"],
    }
    assert data["email_addresses"] == [
        {"email": user.email.lower(), "verified": True, "primary": True}
    ]
    assert data["social_accounts"][0]["provider"] == "google"
    assert data["social_accounts"][0]["extra_data"] == {"name": "Ana"}


def test_the_export_lists_the_users_logins_without_their_tokens(jwt_client, token_pair):
    data = jwt_client.get(EXPORT).json()

    assert len(data["sessions"]) == 1
    assert set(data["sessions"][0]) == {"issued_at", "expires_at", "revoked"}
    assert token_pair.refresh not in str(data)


def test_the_export_holds_nothing_of_other_users(jwt_client, user):
    other = UserFactory(email="someone.else@example.com")
    SocialAccountFactory(user=other)

    data = jwt_client.get(EXPORT).json()

    assert "someone.else@example.com" not in str(data)
    assert data["social_accounts"] == []


@pytest.fixture
def notes_exporter():
    def export_notes(*, user):
        return {"notes": [f"note of {user.pk}"]}

    exporter_register("notes", export_notes)
    yield export_notes
    exporter_unregister("notes")


def test_the_export_holds_the_sections_other_apps_registered(jwt_client, user, notes_exporter):
    data = jwt_client.get(EXPORT).json()

    assert data["notes"] == {"notes": [f"note of {user.pk}"]}


EXPORT_QUERIES = 6  # authentication, the user with its groups, emails, social accounts, sessions


@pytest.mark.parametrize("size", [1, 20])
def test_the_accounts_part_of_the_export_costs_the_same_queries_at_any_size(
    jwt_client, user, django_assert_max_num_queries, monkeypatch, size
):
    # Only accounts' own sections: the apps that registered theirs test them.
    monkeypatch.setattr("accounts.registry._exporters", {})
    for n in range(size):
        SocialAccountFactory(user=user, uid=f"uid-many-{n}")
        EmailAddressFactory(user=user, email=f"alias{n}@example.com", primary=False)
        user.groups.add(Group.objects.create(name=f"group-{n}"))

    with django_assert_max_num_queries(EXPORT_QUERIES):
        response = jwt_client.get(EXPORT)

    assert len(response.json()["social_accounts"]) == size


# --- DELETE me/ ---------------------------------------------------------------------------------


def test_deleting_the_account_answers_204_and_removes_the_user(jwt_client, user, password):
    response = jwt_client.delete(ME, {"password": password})

    assert response.status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()


def test_deleting_removes_the_personal_data_held_with_the_user(jwt_client, user, password):
    EmailAddressFactory(user=user)
    SocialAccountFactory(user=user)

    jwt_client.delete(ME, {"password": password})

    assert not User.objects.filter(email__iexact=user.email).exists()
    assert not EmailAddress.objects.filter(email__iexact=user.email).exists()
    assert not SocialAccount.objects.exists()
    assert not OutstandingToken.objects.filter(token__icontains=user.email).exists()


def test_after_deletion_the_user_cannot_log_in(jwt_client, api_client, user, password):
    jwt_client.delete(ME, {"password": password})

    response = api_client.post(LOGIN, {"email": user.email, "password": password})

    assert_error(response, 401, "invalid_credentials")


def test_after_deletion_the_tokens_of_every_login_are_refused(
    jwt_client, api_client, token_pair, user, password
):
    other_login = api_client.post(LOGIN, {"email": user.email, "password": password}).json()

    jwt_client.delete(ME, {"password": password})

    for access, refresh in (
        (token_pair.access, token_pair.refresh),
        (other_login["access"], other_login["refresh"]),
    ):
        assert_error(api_client.get(ME, **bearer(access)), 401, "token_not_valid")
        assert_error(api_client.post(REFRESH, {"refresh": refresh}), 401, "token_not_valid")


def test_a_wrong_password_refuses_the_deletion_and_deletes_nothing(jwt_client, user):
    SocialAccountFactory(user=user)

    response = jwt_client.delete(ME, {"password": "not-my-password"})

    assert_error(response, 400, "wrong_password", fields=["password"])
    assert User.objects.filter(pk=user.pk).exists()
    assert SocialAccount.objects.filter(user=user).exists()
    assert jwt_client.get(ME).status_code == 200


def test_deletion_needs_the_password(jwt_client, user):
    response = jwt_client.delete(ME, {})

    assert_error(response, 400, "invalid", fields=["password"])
    assert User.objects.filter(pk=user.pk).exists()


def test_guessing_the_password_through_deletion_is_throttled(jwt_client, user, password, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(3):
        jwt_client.delete(ME, {"password": f"guess-{n}"})

    response = jwt_client.delete(ME, {"password": password})

    assert_error(response, 429, "throttled")
    assert User.objects.filter(pk=user.pk).exists()


def test_an_email_slipped_into_the_body_does_not_dodge_the_users_count(
    jwt_client, user, password, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(3):
        jwt_client.delete(
            ME,
            {"password": f"guess-{n}", "email": f"decoy{n}@example.com"},
            REMOTE_ADDR="10.9.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )

    response = jwt_client.delete(
        ME, {"password": password, "email": "decoy@example.com"}, REMOTE_ADDR="10.9.0.1"
    )

    assert_error(response, 429, "throttled")
    assert User.objects.filter(pk=user.pk).exists()


def test_password_confirmations_and_logins_share_one_count(
    jwt_client, api_client, user, password, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    jwt_client.delete(ME, {"password": "guess-0"}, REMOTE_ADDR="10.9.0.1")
    jwt_client.post(
        PASSWORD,
        {"current_password": "guess-1", "new_password": "a-new-long-passphrase"},
        REMOTE_ADDR="10.9.0.1",
    )
    api_client.post(LOGIN, {"email": user.email, "password": "guess-2"}, REMOTE_ADDR="10.9.0.1")

    response = api_client.post(
        LOGIN, {"email": user.email, "password": password}, REMOTE_ADDR="10.9.0.1"
    )

    assert_error(response, 429, "throttled")
    # Another address is another pair: the learner elsewhere is not locked out.
    assert jwt_client.delete(ME, {"password": password}, REMOTE_ADDR="10.9.9.9").status_code == 204


def test_an_account_without_a_password_cannot_confirm_a_deletion(api_client):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    api_client.force_authenticate(user)

    response = api_client.delete(ME, {"password": "anything"})

    assert_error(response, 400, "password_not_set")
    assert User.objects.filter(pk=user.pk).exists()


def test_deletion_runs_the_hooks_other_apps_registered(jwt_client, user, password):
    seen = []
    deletion_hook_register("test", lambda *, user: seen.append(user.pk))
    try:
        jwt_client.delete(ME, {"password": password})
    finally:
        deletion_hook_unregister("test")

    assert seen == [user.pk]


def test_a_failing_hook_rolls_the_whole_deletion_back(jwt_client, user, password):
    def failing(*, user):
        raise RuntimeError("storage is down")

    deletion_hook_register("failing", failing)
    try:
        response = jwt_client.delete(ME, {"password": password})
    finally:
        deletion_hook_unregister("failing")

    assert_error(response, 500, "server_error")
    assert User.objects.filter(pk=user.pk).exists()
    assert jwt_client.get(ME).status_code == 200


# --- POST me/password/ --------------------------------------------------------------------------


NEW_PASSWORD = "another-long-unusual-passphrase"


def test_changing_the_password_returns_a_new_working_pair(jwt_client, api_client, password):
    response = jwt_client.post(
        PASSWORD, {"current_password": password, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 200
    assert api_client.get(ME, **bearer(response.json()["access"])).status_code == 200


def test_after_a_password_change_only_the_new_password_logs_in(
    jwt_client, api_client, user, password
):
    jwt_client.post(PASSWORD, {"current_password": password, "new_password": NEW_PASSWORD})

    old = api_client.post(LOGIN, {"email": user.email, "password": password})
    new = api_client.post(LOGIN, {"email": user.email, "password": NEW_PASSWORD})

    assert_error(old, 401, "invalid_credentials")
    assert new.status_code == 200


def test_a_password_change_ends_every_earlier_login(jwt_client, api_client, token_pair, password):
    jwt_client.post(PASSWORD, {"current_password": password, "new_password": NEW_PASSWORD})

    assert_error(api_client.get(ME, **bearer(token_pair.access)), 401, "token_not_valid")
    assert_error(api_client.post(REFRESH, {"refresh": token_pair.refresh}), 401, "token_not_valid")


def test_a_password_change_with_a_wrong_current_password_is_refused(jwt_client, user, password):
    response = jwt_client.post(
        PASSWORD, {"current_password": "wrong", "new_password": NEW_PASSWORD}
    )

    assert_error(response, 400, "wrong_password", fields=["current_password"])
    user.refresh_from_db()
    assert user.check_password(password)


def test_a_weak_new_password_is_refused(jwt_client, user, password):
    response = jwt_client.post(PASSWORD, {"current_password": password, "new_password": "1234"})

    assert_error(response, 400, "weak_password", fields=["new_password"])
    user.refresh_from_db()
    assert user.check_password(password)


def test_guessing_the_password_through_a_password_change_is_throttled(
    jwt_client, user, password, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(3):
        jwt_client.post(PASSWORD, {"current_password": f"guess-{n}", "new_password": NEW_PASSWORD})

    response = jwt_client.post(
        PASSWORD, {"current_password": password, "new_password": NEW_PASSWORD}
    )

    assert_error(response, 429, "throttled")
    user.refresh_from_db()
    assert user.check_password(password)
