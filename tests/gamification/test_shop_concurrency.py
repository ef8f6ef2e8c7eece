"""50-way races on buying, using and granting, on PostgreSQL with real threads: the balance is
never negative, always the ledger's sum, a client_id buys once, a day costs one freeze."""

import importlib
from collections import Counter
from datetime import UTC, datetime

import pytest
from django.db.models import Sum

from config.api.errors import ApplicationError
from gamification.models import (
    GemTransaction,
    GemWallet,
    InventoryItem,
    Purchase,
    ShopItem,
    StreakFreezeUse,
)
from gamification.services import (
    gems_credit,
    gems_grant,
    inventory_item_use,
    shop_item_buy,
    streak_freeze_spend,
)
from tests.accounts.factories import UserFactory
from tests.gamification import racing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = datetime(2025, 3, 10, 12, tzinfo=UTC)
WORKERS = 50
HOLD_SECONDS = 0.02


@pytest.fixture(autouse=True)
def shop_items():
    """The seeded items: a transactional test's flush removed the migration's rows."""
    seeded = importlib.import_module("gamification.migrations.0005_shop_items_shop")
    for item in seeded.ITEMS:
        ShopItem.objects.update_or_create(slug=item["slug"], defaults=item)


def race(calls):
    return racing.race(calls, hold_seconds=HOLD_SECONDS)


def _outcomes(results) -> Counter:
    return Counter(
        result.code if isinstance(result, ApplicationError) else type(result).__name__
        for result in results
    )


def _assert_books_balance(user) -> int:
    balance = GemWallet.objects.get(user=user).balance
    ledger = GemTransaction.objects.filter(wallet_id=user.pk).aggregate(total=Sum("amount"))
    assert balance == ledger["total"]
    assert balance >= 0
    after = GemTransaction.objects.filter(wallet_id=user.pk).order_by("-id").first()
    assert after.balance_after == balance
    return balance


def test_fifty_buys_spend_only_what_is_there():
    user = UserFactory()
    price = ShopItem.objects.get(slug="xp-boost").price
    gems_credit(user=user, amount=price * 20, reason="goal")

    results = race(
        [
            lambda n=n: shop_item_buy(user=user, slug="xp-boost", client_id=f"c{n}")
            for n in range(WORKERS)
        ]
    )

    assert _outcomes(results) == {"PurchaseResult": 20, "insufficient_gems": 30}
    assert _assert_books_balance(user) == 0
    assert InventoryItem.objects.get(user=user).quantity == 20
    assert Purchase.objects.filter(user=user).count() == 20


def test_fifty_buys_with_one_client_id_buy_once():
    user = UserFactory()
    price = ShopItem.objects.get(slug="xp-boost").price
    gems_credit(user=user, amount=price * 50, reason="goal")

    results = race([lambda: shop_item_buy(user=user, slug="xp-boost", client_id="same")] * WORKERS)

    assert _outcomes(results) == {"PurchaseResult": WORKERS}
    assert sum(result.created for result in results) == 1
    assert {(r.balance, r.owned) for r in results} == {(price * 49, 1)}
    assert Purchase.objects.filter(user=user).count() == 1
    assert _assert_books_balance(user) == price * 49


def test_fifty_buys_of_a_limited_item_stop_at_the_limit():
    user = UserFactory()
    gems_credit(user=user, amount=1_000_000, reason="goal")

    results = race([lambda: shop_item_buy(user=user, slug="streak-freeze")] * WORKERS)

    assert _outcomes(results) == {"PurchaseResult": 2, "limit_reached": 48}
    assert InventoryItem.objects.get(user=user).quantity == 2
    _assert_books_balance(user)


def test_fifty_uses_spend_only_what_is_held():
    user = UserFactory()
    InventoryItem.objects.create(user=user, item=ShopItem.objects.get(slug="xp-boost"), quantity=10)

    results = race([lambda: inventory_item_use(user=user, slug="xp-boost", now=NOW)] * WORKERS)

    assert _outcomes(results) == {"InventoryItem": 10, "item_not_owned": 40}
    held = InventoryItem.objects.get(user=user)
    assert held.quantity == 0
    assert held.active_until == NOW + 10 * (held.active_until - NOW) / 10


def test_fifty_grants_and_takes_keep_the_books():
    user = UserFactory()
    gems_credit(user=user, amount=10, reason="goal")
    calls = []
    for n in range(WORKERS):
        if n % 2:
            calls.append(
                lambda n=n: gems_grant(
                    user=user, amount=-1, reason="take", source="staff", source_id=f"t{n}"
                )
            )
        else:
            # Every even worker pays the same quest: once.
            calls.append(
                lambda: gems_grant(
                    user=user, amount=3, reason="quest", source="quest", source_id="q"
                )
            )

    results = race(calls)

    outcomes = _outcomes(results)
    assert outcomes["GemTransaction"] - 1 + outcomes["insufficient_gems"] == 25
    assert GemTransaction.objects.filter(wallet_id=user.pk, source="quest").count() == 1
    takes = GemTransaction.objects.filter(wallet_id=user.pk, source="staff").count()
    assert _assert_books_balance(user) == 13 - takes


def test_fifty_spends_for_one_day_cost_one_freeze():
    user = UserFactory()
    InventoryItem.objects.create(
        user=user, item=ShopItem.objects.get(slug="streak-freeze"), quantity=2
    )

    results = race([lambda: streak_freeze_spend(user=user, day=NOW.date(), at=NOW)] * WORKERS)

    assert results == [True] * WORKERS
    assert InventoryItem.objects.get(user=user).quantity == 1
    assert StreakFreezeUse.objects.filter(user=user).count() == 1
