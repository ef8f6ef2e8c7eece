"""The accounts services and the registry, below the API."""

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.db import DatabaseError, connection
from django.db.models import ProtectedError
from django.utils.timezone import now
from freezegun import freeze_time
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from accounts.registry import exporter_register, exporter_unregister
from accounts.selectors import session_is_revoked
from accounts.services import (
    token_refresh,
    tokens_expired_flush,
    user_erase,
    user_login,
    user_register,
    user_sessions_revoke,
    user_token_pair,
)
from accounts.tasks import expired_tokens_flush
from config.api.errors import ApplicationError
from tests.accounts.factories import UserFactory
from tests.accounts.helpers import claims

pytestmark = pytest.mark.django_db


# --- Registry -----------------------------------------------------------------------------------


def test_an_export_section_name_is_taken_once():
    exporter_register("twice", lambda *, user: {})
    try:
        with pytest.raises(ValueError, match="already registered"):
            exporter_register("twice", lambda *, user: {})
    finally:
        exporter_unregister("twice")


def test_registering_the_same_exporter_again_changes_nothing():
    def export(*, user):
        return {}

    exporter_register("again", export)
    try:
        assert exporter_register("again", export) is export
    finally:
        exporter_unregister("again")


def test_accounts_own_export_sections_cannot_be_taken():
    with pytest.raises(ValueError, match="belongs to accounts"):
        exporter_register("account", lambda *, user: {})


# --- Tokens and sessions ------------------------------------------------------------------------


def test_a_token_pair_is_recorded_as_outstanding_with_its_session_id(user):
    pair = user_token_pair(user=user)

    outstanding = OutstandingToken.objects.get(user=user)
    assert outstanding.token == pair["refresh"]
    assert claims(outstanding.token)["sid"] == claims(pair["access"])["sid"]


def test_revoking_a_users_sessions_blacklists_their_live_refresh_tokens(user):
    first, second = user_token_pair(user=user), user_token_pair(user=user)
    other = user_token_pair(user=UserFactory())

    user_sessions_revoke(user=user)

    for pair in (first, second):
        assert session_is_revoked(sid=claims(pair["refresh"])["sid"])
    assert BlacklistedToken.objects.filter(token__user=user).count() == 2
    assert not session_is_revoked(sid=claims(other["refresh"])["sid"])


def test_revoking_sessions_skips_expired_refresh_tokens(user, settings):
    with freeze_time(now() - settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"] - timedelta(days=1)):
        user_token_pair(user=user)

    user_sessions_revoke(user=user)

    assert not BlacklistedToken.objects.exists()


def test_a_revocation_lasts_the_refresh_lifetime(user, settings):
    pair = user_token_pair(user=user)
    with mock.patch("accounts.services.cache") as cache:
        from accounts.services import session_revoke

        session_revoke(sid=claims(pair["refresh"])["sid"])

    lifetime = settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"].total_seconds()
    assert cache.set.call_args.kwargs["timeout"] == lifetime


def test_a_login_that_fails_to_record_its_token_leaves_the_last_login_alone(user, password, rf):
    with (
        mock.patch("accounts.services._outstand", side_effect=DatabaseError("down")),
        pytest.raises(DatabaseError),
    ):
        user_login(request=rf.post("/api/v1/auth/token/"), email=user.email, password=password)

    user.refresh_from_db()
    assert user.last_login is None


def _expired_pairs(user, settings, count: int) -> list[dict[str, str]]:
    with freeze_time(now() - settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"] - timedelta(days=1)):
        return [user_token_pair(user=user) for _ in range(count)]


def test_flushing_deletes_expired_tokens_and_their_blacklist_rows(user, settings):
    expired = _expired_pairs(user, settings, 2)
    RefreshToken(expired[0]["refresh"], verify=False).blacklist()
    live = user_token_pair(user=user)

    assert tokens_expired_flush() == 2

    assert list(OutstandingToken.objects.values_list("token", flat=True)) == [live["refresh"]]
    assert not BlacklistedToken.objects.exists()


def test_flushing_works_through_a_backlog_in_batches(user, settings, monkeypatch):
    monkeypatch.setattr("accounts.services.EXPIRED_TOKENS_PER_BATCH", 2)
    _expired_pairs(user, settings, 5)

    assert tokens_expired_flush() == 5
    assert not OutstandingToken.objects.exists()


def test_flushing_twice_changes_nothing_the_second_time(user, settings):
    _expired_pairs(user, settings, 1)
    user_token_pair(user=user)
    tokens_expired_flush()

    assert tokens_expired_flush() == 0
    assert OutstandingToken.objects.count() == 1


def test_the_flush_task_runs_daily_from_the_beat_schedule(user, settings):
    from django_celery_beat.models import PeriodicTask

    _expired_pairs(user, settings, 1)

    task = PeriodicTask.objects.select_related("crontab").get(task=expired_tokens_flush.name)
    assert (task.crontab.day_of_week, task.crontab.day_of_month) == ("*", "*")
    assert task.enabled
    assert expired_tokens_flush.delay().get() == 1


# --- Registration and deletion ------------------------------------------------------------------


def test_a_registration_racing_another_for_the_same_email_is_refused(user):
    # The check found nobody; the unique constraint on Lower(email) still refuses the second.
    with (
        mock.patch("accounts.services.user_get_by_email", return_value=None),
        pytest.raises(ApplicationError) as caught,
    ):
        user_register(
            email=user.email.upper(), password="a-long-unusual-passphrase", display_name="Twin"
        )

    assert caught.value.code == "email_taken"
    assert User.objects.count() == 1


def test_a_deletion_blocked_by_protected_rows_is_a_conflict_and_deletes_nothing(user):
    with (
        mock.patch.object(User, "delete", side_effect=ProtectedError("protected", set())),
        pytest.raises(ApplicationError) as caught,
    ):
        user_erase(user=user)

    assert (caught.value.status_code, caught.value.code) == (409, "deletion_blocked")
    assert User.objects.filter(pk=user.pk).exists()


# --- Rotation race (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_refreshes_with_one_token_only_one_rotates_it():
    user = UserFactory()
    refresh = user_token_pair(user=user)["refresh"]
    barrier = threading.Barrier(2)
    original_blacklist = RefreshToken.blacklist

    def blacklist_together(token):
        # Both requests have verified the token; now both try to blacklist it.
        barrier.wait(timeout=10)
        return original_blacklist(token)

    results: list = [None, None]

    def worker(index):
        try:
            results[index] = token_refresh(refresh=refresh)
        except ApplicationError as error:
            results[index] = error
        finally:
            connection.close()

    with mock.patch.object(RefreshToken, "blacklist", blacklist_together):
        threads = [threading.Thread(target=worker, args=(index,)) for index in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert sorted(type(result).__name__ for result in results) == ["ApplicationError", "dict"]
