import pytest
from django.db.models import Sum

from config.api.errors import ApplicationError
from gamification.models import GemTransaction, GemWallet
from gamification.services import gems_credit, gems_debit
from tests.gamification.factories import GemWalletFactory

pytestmark = pytest.mark.django_db


def ledger_sum(user) -> int:
    return GemTransaction.objects.filter(wallet_id=user.pk).aggregate(s=Sum("amount"))["s"] or 0


def test_a_first_credit_opens_the_wallet_with_a_ledger_row(user):
    balance = gems_credit(user=user, amount=50, reason="daily goal")

    assert balance == 50
    assert GemWallet.objects.get(user=user).balance == 50
    row = GemTransaction.objects.get(wallet_id=user.pk)
    assert (row.amount, row.reason) == (50, "daily goal")


def test_a_debit_takes_gems_with_a_negative_ledger_row(user):
    gems_credit(user=user, amount=50, reason="daily goal")

    balance = gems_debit(user=user, amount=30, reason="heart refill")

    assert balance == 20
    assert GemTransaction.objects.filter(wallet_id=user.pk, amount=-30).exists()


def test_the_balance_always_equals_the_ledger_sum(user):
    gems_credit(user=user, amount=100, reason="a")
    gems_debit(user=user, amount=30, reason="b")
    gems_credit(user=user, amount=5, reason="c")
    gems_debit(user=user, amount=75, reason="d")
    with pytest.raises(ApplicationError):
        gems_debit(user=user, amount=1, reason="e")

    assert GemWallet.objects.get(user=user).balance == ledger_sum(user) == 0


def test_a_debit_larger_than_the_balance_is_refused_and_changes_nothing():
    wallet = GemWalletFactory(credits=[20])

    with pytest.raises(ApplicationError) as refused:
        gems_debit(user=wallet.user, amount=21, reason="shop")

    assert (refused.value.code, refused.value.status_code) == ("insufficient_gems", 409)
    wallet.refresh_from_db()
    assert wallet.balance == ledger_sum(wallet.user) == 20
    assert wallet.transactions.count() == 1


def test_a_debit_without_a_wallet_is_refused(user):
    with pytest.raises(ApplicationError) as refused:
        gems_debit(user=user, amount=1, reason="shop")

    assert refused.value.code == "insufficient_gems"
    assert not GemTransaction.objects.exists()


def test_a_debit_of_the_whole_balance_leaves_zero():
    wallet = GemWalletFactory(credits=[10, 15])

    assert gems_debit(user=wallet.user, amount=25, reason="shop") == 0


@pytest.mark.parametrize("amount", [0, -1, True, 1.5])
def test_gem_amounts_must_be_positive_integers(user, amount):
    with pytest.raises(ValueError, match="amount"):
        gems_credit(user=user, amount=amount, reason="x")
    with pytest.raises(ValueError, match="amount"):
        gems_debit(user=user, amount=amount, reason="x")


@pytest.mark.parametrize("reason", ["", "r" * 101])
def test_a_gem_change_needs_a_short_reason(user, reason):
    with pytest.raises(ValueError, match="reason"):
        gems_credit(user=user, amount=1, reason=reason)
