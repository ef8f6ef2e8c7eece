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

from accounts import services
from accounts.models import LoginSession, User
from accounts.registry import exporter_register, exporter_unregister
from accounts.services import (
    TokenPair,
    token_pair_issue,
    token_refresh,
    tokens_expired_flush,
    user_erase,
    user_login,
    user_register,
    user_sessions_revoke,
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
    pair = token_pair_issue(user=user)

    outstanding = OutstandingToken.objects.get(user=user)
    assert outstanding.token == pair.refresh
    assert claims(outstanding.token)["sid"] == claims(pair.access)["sid"]


def test_revoking_a_users_sessions_blacklists_their_live_refresh_tokens(user):
    first, second = token_pair_issue(user=user), token_pair_issue(user=user)
    other = token_pair_issue(user=UserFactory())

    user_sessions_revoke(user=user)

    for pair in (first, second):
        session = LoginSession.objects.get(sid=claims(pair.refresh)["sid"])
        assert session.revoked_at is not None
    assert BlacklistedToken.objects.filter(token__user=user).count() == 2
    assert LoginSession.objects.get(sid=claims(other.refresh)["sid"]).revoked_at is None


def test_revoking_sessions_skips_expired_refresh_tokens(user, settings):
    with freeze_time(now() - settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"] - timedelta(days=1)):
        token_pair_issue(user=user)

    user_sessions_revoke(user=user)

    assert not BlacklistedToken.objects.exists()


def test_a_login_that_fails_to_record_its_token_leaves_the_last_login_alone(user, password, rf):
    with (
        mock.patch("accounts.services._outstand", side_effect=DatabaseError("down")),
        pytest.raises(DatabaseError),
    ):
        user_login(request=rf.post("/api/v1/auth/token/"), email=user.email, password=password)

    user.refresh_from_db()
    assert user.last_login is None


def _expired_pairs(user, settings, count: int) -> list[TokenPair]:
    with freeze_time(now() - settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"] - timedelta(days=1)):
        return [token_pair_issue(user=user) for _ in range(count)]


def test_flushing_deletes_expired_tokens_and_their_blacklist_rows(user, settings):
    expired = _expired_pairs(user, settings, 2)
    RefreshToken(expired[0].refresh, verify=False).blacklist()
    live = token_pair_issue(user=user)

    assert tokens_expired_flush() == 2

    assert list(OutstandingToken.objects.values_list("token", flat=True)) == [live.refresh]
    assert not BlacklistedToken.objects.exists()


def test_flushing_works_through_a_backlog_in_batches(user, settings, monkeypatch):
    monkeypatch.setattr("accounts.services.EXPIRED_TOKENS_PER_BATCH", 2)
    _expired_pairs(user, settings, 5)

    assert tokens_expired_flush() == 5
    assert not OutstandingToken.objects.exists()


def test_flushing_twice_changes_nothing_the_second_time(user, settings):
    _expired_pairs(user, settings, 1)
    token_pair_issue(user=user)
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


def _refresh_together(refresh: str, count: int) -> list:
    """`count` requests refresh with the same token at once; each result is a pair or the
    error. Every request has verified the token before any goes on to rotate it."""
    barrier = threading.Barrier(count)
    original_parse = services._refresh_token_parse

    def parse_together(raw):
        token = original_parse(raw)
        barrier.wait(timeout=20)
        return token

    results: list = [None] * count

    def worker(index):
        try:
            results[index] = token_refresh(refresh=refresh)
        except ApplicationError as error:
            results[index] = error
        finally:
            connection.close()

    with mock.patch.object(services, "_refresh_token_parse", parse_together):
        threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("count", [2, 50])
def test_of_concurrent_refreshes_with_one_token_exactly_one_rotates_it(count):
    user = UserFactory()
    refresh = token_pair_issue(user=user).refresh

    results = _refresh_together(refresh, count)

    pairs = [result for result in results if isinstance(result, TokenPair)]
    errors = [result for result in results if isinstance(result, ApplicationError)]
    assert (len(pairs), len(errors)) == (1, count - 1)
    assert {error.code for error in errors} == {"token_not_valid"}
    # One rotation recorded: the login's first refresh token and the one it was rotated into.
    assert OutstandingToken.objects.filter(user=user).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_second_use_of_a_refresh_token_is_a_replay_and_ends_the_login():
    # The client cannot tell a race from theft (OAuth 2.0 Security BCP): a client must not
    # refresh one login from two places at once, and the login that did is revoked.
    user = UserFactory()
    refresh = token_pair_issue(user=user).refresh

    results = _refresh_together(refresh, 2)

    (pair,) = [result for result in results if isinstance(result, TokenPair)]
    session = LoginSession.objects.get(sid=claims(refresh)["sid"])
    assert session.revoke_reason == LoginSession.RevokeReason.REFRESH_REUSE
    with pytest.raises(ApplicationError):
        token_refresh(refresh=pair.refresh)
