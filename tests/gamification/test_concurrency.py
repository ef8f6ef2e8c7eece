"""Races between requests for the same XP, hearts or gems, on PostgreSQL with real threads.

Each worker holds its transaction open for a moment after its write, so the other worker runs
into the row lock or the unique key while the first has not committed yet.
"""

from datetime import UTC, datetime

import pytest

from config.api.errors import ApplicationError
from gamification.models import DailyXp, GemTransaction, GemWallet, Hearts, LearnerStats, XpEvent
from gamification.services import gems_credit, gems_debit, heart_lose, xp_award
from tests.accounts.factories import UserFactory
from tests.gamification import racing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = datetime(2025, 3, 10, 12, tzinfo=UTC)
HOLD_SECONDS = 0.3


def race(*calls):
    return racing.race(calls, hold_seconds=HOLD_SECONDS, join_seconds=30)


def test_two_concurrent_awards_for_the_same_source_award_once():
    user = UserFactory()

    def award():
        return xp_award(user=user, amount=20, source="lesson", source_id="session-1", at=NOW)

    results = race(award, award)

    assert sorted(type(result).__name__ for result in results) == ["NoneType", "XpEvent"]
    assert XpEvent.objects.filter(user=user).count() == 1
    assert LearnerStats.objects.get(user=user).total_xp == 20
    assert DailyXp.objects.get(user=user).xp == 20


def test_two_concurrent_first_awards_of_a_day_both_count():
    user = UserFactory()

    results = race(
        lambda: xp_award(user=user, amount=20, source="lesson", source_id=1, at=NOW),
        lambda: xp_award(user=user, amount=5, source="review", source_id=1, at=NOW),
    )

    assert all(isinstance(result, XpEvent) for result in results)
    assert DailyXp.objects.get(user=user).xp == 25
    assert LearnerStats.objects.get(user=user).total_xp == 25


def test_concurrent_capped_awards_never_pass_the_daily_cap():
    user = UserFactory()
    xp_award(user=user, amount=4, source="review", source_id=0, at=NOW, daily_cap=5)

    results = race(
        *(
            lambda n=n: xp_award(
                user=user, amount=1, source="review", source_id=n, at=NOW, daily_cap=5
            )
            for n in range(1, 5)
        )
    )

    assert sum(isinstance(result, XpEvent) for result in results) == 1
    assert results.count(None) == 3
    assert sum(XpEvent.objects.filter(user=user).values_list("amount", flat=True)) == 5
    assert DailyXp.objects.get(user=user).xp == 5
    assert LearnerStats.objects.get(user=user).total_xp == 5


def test_concurrent_first_capped_awards_of_a_day_share_the_cap():
    user = UserFactory()

    results = race(
        lambda: xp_award(user=user, amount=3, source="review", source_id=1, at=NOW, daily_cap=4),
        lambda: xp_award(user=user, amount=3, source="review", source_id=2, at=NOW, daily_cap=4),
    )

    assert sorted(result.amount for result in results) == [1, 3]
    assert DailyXp.objects.get(user=user).xp == 4


def test_two_concurrent_heart_losses_from_one_heart_leave_zero_and_one_is_refused():
    user = UserFactory()
    Hearts.objects.create(user=user, count=1, refill_anchor=NOW)

    results = race(lambda: heart_lose(user=user, now=NOW), lambda: heart_lose(user=user, now=NOW))

    refused = [result for result in results if isinstance(result, ApplicationError)]
    taken = [result for result in results if not isinstance(result, Exception)]
    assert [error.code for error in refused] == ["no_hearts"]
    assert [state.count for state in taken] == [0]
    assert Hearts.objects.get(user=user).count == 0


def test_two_concurrent_first_heart_losses_both_count():
    user = UserFactory()

    results = race(lambda: heart_lose(user=user, now=NOW), lambda: heart_lose(user=user, now=NOW))

    assert sorted(state.count for state in results) == [3, 4]
    assert Hearts.objects.get(user=user).count == 3


def test_two_concurrent_debits_never_overspend_and_the_ledger_matches():
    user = UserFactory()
    gems_credit(user=user, amount=50, reason="start")

    results = race(
        lambda: gems_debit(user=user, amount=30, reason="a"),
        lambda: gems_debit(user=user, amount=30, reason="b"),
    )

    assert sorted(type(result).__name__ for result in results) == ["Conflict", "int"]
    wallet = GemWallet.objects.get(user=user)
    assert wallet.balance == 20
    assert sum(GemTransaction.objects.values_list("amount", flat=True)) == 20
