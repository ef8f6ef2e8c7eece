"""Usernames and the profile flags of `me` (API.md, "Accounts")."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.services import user_register
from accounts.usernames import username_base, username_suggest
from config.api.errors import ApplicationError
from tests.accounts.factories import UserFactory
from tests.accounts.helpers import assert_error

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
ME = "/api/v1/me/"


def _payload(**extra) -> dict:
    return {
        "email": "jose.maria@example.com",
        "password": "a-long-and-unusual-passphrase",
        "display_name": "José María",
        **extra,
    }


def test_registration_suggests_a_username_from_the_display_name(api_client):
    response = api_client.post(REGISTER, _payload())

    assert response.status_code == 201
    assert response.json()["username"] == "jose_maria"


def test_registration_suggests_another_when_the_first_choice_is_taken(api_client):
    UserFactory(username="jose_maria")

    username = api_client.post(REGISTER, _payload()).json()["username"]

    assert username != "jose_maria"
    assert User.objects.filter(username__iexact=username).count() == 1


def test_registration_falls_back_to_the_email_when_the_name_has_no_latin_letters(api_client):
    response = api_client.post(REGISTER, _payload(display_name="李小龍"))

    assert response.json()["username"] == "jose.maria"


def test_registration_takes_a_chosen_username_lowered(api_client):
    response = api_client.post(REGISTER, _payload(username="Pepe_99"))

    assert response.json()["username"] == "pepe_99"


def test_registration_refuses_a_username_taken_in_another_case(api_client):
    UserFactory(username="pepe_99")

    response = api_client.post(REGISTER, _payload(username="PEPE_99"))

    assert_error(response, 409, "username_taken", fields=["username"])
    assert not User.objects.filter(email="jose.maria@example.com").exists()


@pytest.mark.parametrize(
    "username", ["ab", "a" * 31, "ana maria", "ana-maria", "añá", "ana\u200bb", "ana@b"]
)
def test_registration_refuses_a_malformed_username(api_client, username):
    response = api_client.post(REGISTER, _payload(username=username))

    assert_error(response, 400, "invalid", fields=["username"])


def test_patching_me_changes_the_username_and_the_flags(jwt_client, user):
    response = jwt_client.patch(
        ME, {"username": "New.Name", "profile_public": False, "leaderboard_opt_out": True}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["username"], body["profile_public"], body["leaderboard_opt_out"]) == (
        "new.name",
        False,
        True,
    )
    user.refresh_from_db()
    assert (user.username, user.profile_public, user.leaderboard_opt_out) == (
        "new.name",
        False,
        True,
    )


def test_patching_me_to_a_username_taken_in_another_case_is_409(jwt_client, user):
    UserFactory(username="taken_one")

    response = jwt_client.patch(ME, {"username": "Taken_One"})

    assert_error(response, 409, "username_taken", fields=["username"])


def test_patching_me_to_ones_own_username_in_another_case_is_fine(jwt_client, user):
    response = jwt_client.patch(ME, {"username": user.username.upper()})

    assert response.status_code == 200


def test_the_database_refuses_two_usernames_differing_only_in_case():
    UserFactory(username="same_name")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=UserFactory().pk).update(username="SAME_NAME")


def test_accounts_made_without_a_username_get_one_on_save():
    user = User.objects.create_user("zoe@example.com", "a-long-and-unusual-passphrase")

    assert user.username == "zoe"


def test_a_concurrent_registration_of_the_same_username_is_409_not_500(monkeypatch):
    UserFactory(username="racer")
    # The check ran before the other request committed: only the constraint sees it.
    monkeypatch.setattr("accounts.services._username_is_taken", lambda **kwargs: False)

    with pytest.raises(ApplicationError) as raised:
        user_register(
            email="racer@example.com",
            password="a-long-and-unusual-passphrase",
            display_name="Racer",
            username="racer",
        )

    assert (raised.value.code, raised.value.status_code) == ("username_taken", 409)


@pytest.mark.parametrize(
    ("text", "base"),
    [("José María", "jose_maria"), ("  --Ana--  ", "ana"), ("李", ""), ("x" * 40, "x" * 30)],
)
def test_username_base_folds_to_the_alphabet(text, base):
    assert username_base(text) == base


def test_a_short_base_is_padded_and_a_taken_one_gets_digits():
    assert username_suggest("Al", taken=lambda name: False) == "al_learner"
    suggested = username_suggest("Ana", taken=lambda name: name in {"ana", "learner"})
    assert suggested.startswith("ana") and suggested[3:].isdigit()


def test_the_backfill_migration_gives_existing_accounts_distinct_usernames():
    first = UserFactory(display_name="Ana", email="a1@example.com")
    second = UserFactory(display_name="ANA", email="a2@example.com")
    User.objects.filter(pk__in=[first.pk, second.pk]).update(username=None)
    migration = importlib.import_module("accounts.migrations.0008_username_backfill")

    migration.backfill(global_apps, None)

    names = set(
        User.objects.filter(pk__in=[first.pk, second.pk]).values_list("username", flat=True)
    )
    assert len(names) == 2 and "ana" in names
