"""Gems, the shop and the inventory: `me/wallet/`, `shop/`, `me/inventory/`, streak freezes and
the XP boost, the staff grant, the export and the deletion."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from freezegun import freeze_time

from config.api.errors import Conflict
from gamification.models import (
    GemTransaction,
    GemWallet,
    InventoryItem,
    Purchase,
    ShopItem,
    StreakFreezeUse,
    XpEvent,
)
from gamification.selectors import gamification_export, stats_get, streak_get
from gamification.services import (
    gems_credit,
    gems_grant,
    heart_lose,
    hearts_get,
    inventory_item_use,
    shop_item_buy,
    streak_activity_record,
    streak_freeze_spend,
    xp_boost_apply,
)
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 10, 12, tzinfo=UTC)
DAY = timedelta(days=1)


def _ledger_sum(user) -> int:
    return sum(GemTransaction.objects.filter(wallet_id=user.pk).values_list("amount", flat=True))


def _give(user, slug: str, quantity: int = 1) -> InventoryItem:
    held, _ = InventoryItem.objects.update_or_create(
        user=user, item=ShopItem.objects.get(slug=slug), defaults={"quantity": quantity}
    )
    return held


# --- Gems ----------------------------------------------------------------------------------------


def test_gems_grant_pays_once_per_source_and_keeps_balance_after(user):
    first = gems_grant(user=user, amount=10, reason="Quest", source="quest", source_id="q1")
    again = gems_grant(user=user, amount=10, reason="Quest", source="quest", source_id="q1")
    other = gems_grant(user=user, amount=5, reason="Quest", source="quest", source_id="q2")

    assert first.balance_after == 10
    assert again is None
    assert other.balance_after == 15
    assert GemWallet.objects.get(user=user).balance == 15 == _ledger_sum(user)


def test_a_negative_grant_larger_than_the_balance_is_refused_and_changes_nothing(user):
    gems_credit(user=user, amount=3, reason="goal")

    with pytest.raises(Conflict) as error:
        gems_grant(user=user, amount=-4, reason="take", source="staff", source_id="x")

    assert error.value.code == "insufficient_gems"
    assert GemWallet.objects.get(user=user).balance == 3 == _ledger_sum(user)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"amount": 0},
        {"amount": True},
        {"source": ""},
        {"source_id": ""},
        {"source_id": "x" * 65},
        {"reason": ""},
    ],
)
def test_gems_grant_refuses_bad_arguments(user, kwargs):
    arguments = {"amount": 1, "reason": "r", "source": "s", "source_id": "1", **kwargs}

    with pytest.raises(ValueError):
        gems_grant(user=user, **arguments)


def test_wallet_and_transactions_api(auth_client, user):
    gems_credit(user=user, amount=30, reason="goal")
    gems_grant(user=user, amount=-10, reason="fine", source="staff", source_id="1")

    wallet = auth_client.get("/api/v1/me/wallet/")
    ledger = auth_client.get("/api/v1/me/wallet/transactions/")

    assert wallet.json() == {"balance": 20}
    rows = ledger.json()["results"]
    assert [(r["amount"], r["balance_after"], r["reason"]) for r in rows] == [
        (-10, 20, "fine"),
        (30, 30, "goal"),
    ]
    assert set(rows[0]) == {"amount", "balance_after", "reason", "created_at"}


@pytest.mark.parametrize("size", [1, 40])
def test_wallet_transactions_cost_the_same_queries_however_long(
    auth_client, user, size, django_assert_max_num_queries
):
    for index in range(size):
        gems_grant(user=user, amount=1, reason="r", source="t", source_id=str(index))

    with django_assert_max_num_queries(3):
        response = auth_client.get("/api/v1/me/wallet/transactions/")

    assert response.json()["count"] == size


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/me/wallet/",
        "/api/v1/me/wallet/transactions/",
        "/api/v1/shop/",
        "/api/v1/me/inventory/",
    ],
)
def test_economy_reads_need_a_signed_in_learner(api_client, path):
    assert api_client.get(path).status_code == 401


def test_buy_and_use_need_a_signed_in_learner(api_client):
    assert api_client.post("/api/v1/shop/xp-boost/buy/").status_code == 401
    assert api_client.post("/api/v1/me/inventory/xp-boost/use/").status_code == 401


# --- Shop ----------------------------------------------------------------------------------------


def test_the_seeded_shop_lists_the_items_on_sale(auth_client):
    ShopItem.objects.create(slug="hidden", name="Hidden", price=1, effect="xp_boost", on_sale=False)

    body = auth_client.get("/api/v1/shop/").json()

    assert [item["slug"] for item in body["results"]] == [
        "streak-freeze",
        "heart-refill",
        "xp-boost",
    ]
    freeze = body["results"][0]
    assert set(freeze) == {"slug", "name", "description", "price", "max_owned"}
    assert freeze["max_owned"] == 2


@pytest.mark.parametrize("extra", [0, 20])
def test_shop_and_inventory_lists_cost_bounded_queries(
    auth_client, user, extra, django_assert_max_num_queries
):
    for index in range(extra):
        item = ShopItem.objects.create(slug=f"i{index}", name="I", price=1, effect="xp_boost")
        InventoryItem.objects.create(user=user, item=item, quantity=1)

    with django_assert_max_num_queries(2):
        shop = auth_client.get("/api/v1/shop/")
    with django_assert_max_num_queries(2):
        inventory = auth_client.get("/api/v1/me/inventory/")

    assert len(shop.json()["results"]) == 3 + extra
    assert len(inventory.json()["results"]) == extra


def test_buying_takes_the_gems_and_gives_the_item(auth_client, user):
    price = ShopItem.objects.get(slug="streak-freeze").price
    gems_credit(user=user, amount=price + 7, reason="goal")

    response = auth_client.post("/api/v1/shop/streak-freeze/buy/", {}, format="json")

    assert response.status_code == 201
    assert response.json() == {"item": "streak-freeze", "balance": 7, "owned": 1}
    assert GemWallet.objects.get(user=user).balance == 7 == _ledger_sum(user)
    assert auth_client.get("/api/v1/me/inventory/").json() == {
        "results": [{"item": "streak-freeze", "quantity": 1, "active_until": None}]
    }
    assert stats_get(user=user).streak_freezes == 1
    assert auth_client.get("/api/v1/me/stats/").json()["streak_freezes"] == 1


def test_buying_without_enough_gems_is_409_and_changes_nothing(auth_client, user):
    gems_credit(user=user, amount=1, reason="goal")

    response = auth_client.post("/api/v1/shop/xp-boost/buy/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "insufficient_gems"
    assert not Purchase.objects.exists()
    assert not InventoryItem.objects.filter(quantity__gt=0).exists()
    assert GemWallet.objects.get(user=user).balance == 1 == _ledger_sum(user)


def test_buying_past_the_limit_is_409_limit_reached(auth_client, user):
    gems_credit(user=user, amount=10_000, reason="goal")
    for _ in range(2):
        assert auth_client.post("/api/v1/shop/streak-freeze/buy/").status_code == 201

    response = auth_client.post("/api/v1/shop/streak-freeze/buy/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "limit_reached"
    assert InventoryItem.objects.get(user=user).quantity == 2
    assert Purchase.objects.count() == 2


@pytest.mark.parametrize("slug", ["nothing", "off-sale"])
def test_buying_an_unknown_or_withdrawn_item_is_404(auth_client, user, slug):
    ShopItem.objects.create(slug="off-sale", name="Off", price=1, effect="xp_boost", on_sale=False)
    gems_credit(user=user, amount=100, reason="goal")

    response = auth_client.post(f"/api/v1/shop/{slug}/buy/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "item_not_found"


def test_the_same_client_id_buys_once_and_answers_the_first_result(auth_client, user):
    price = ShopItem.objects.get(slug="xp-boost").price
    gems_credit(user=user, amount=price * 3, reason="goal")
    body = {"client_id": "c-1"}

    first = auth_client.post("/api/v1/shop/xp-boost/buy/", body, format="json")
    auth_client.post("/api/v1/shop/xp-boost/buy/", {"client_id": "c-2"}, format="json")
    again = auth_client.post("/api/v1/shop/xp-boost/buy/", body, format="json")

    assert first.status_code == 201
    assert again.status_code == 201
    assert again.json() == first.json() == {"item": "xp-boost", "balance": price * 2, "owned": 1}
    assert Purchase.objects.count() == 2
    assert GemWallet.objects.get(user=user).balance == price == _ledger_sum(user)


def test_a_too_long_client_id_is_400(auth_client, user):
    response = auth_client.post(
        "/api/v1/shop/xp-boost/buy/", {"client_id": "x" * 65}, format="json"
    )

    assert response.status_code == 400
    assert "client_id" in response.json()["error"]["fields"]


# --- Using items ---------------------------------------------------------------------------------


def test_a_heart_refill_fills_the_hearts_and_is_spent(auth_client, user):
    _give(user, "heart-refill", 2)
    heart_lose(user=user)
    heart_lose(user=user)

    response = auth_client.post("/api/v1/me/inventory/heart-refill/use/")

    assert response.status_code == 200
    assert response.json() == {"item": "heart-refill", "quantity": 1, "active_until": None}
    assert hearts_get(user=user).count == settings.HEARTS_MAX


def test_a_heart_refill_with_full_hearts_is_409_and_kept(auth_client, user):
    _give(user, "heart-refill")

    response = auth_client.post("/api/v1/me/inventory/heart-refill/use/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "hearts_full"
    assert InventoryItem.objects.get(user=user).quantity == 1


def test_using_an_item_not_held_is_409_and_an_unknown_one_404(auth_client):
    missing = auth_client.post("/api/v1/me/inventory/xp-boost/use/")
    unknown = auth_client.post("/api/v1/me/inventory/nothing/use/")

    assert (missing.status_code, missing.json()["error"]["code"]) == (409, "item_not_owned")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "item_not_found")


def test_a_streak_freeze_cannot_be_used_by_hand(auth_client, user):
    _give(user, "streak-freeze")

    response = auth_client.post("/api/v1/me/inventory/streak-freeze/use/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "used_automatically"
    assert InventoryItem.objects.get(user=user).quantity == 1


def test_an_xp_boost_runs_for_its_minutes_and_doubles_lesson_xp_only_meanwhile(auth_client, user):
    _give(user, "xp-boost")
    with freeze_time(NOW):
        response = auth_client.post("/api/v1/me/inventory/xp-boost/use/")
    until = NOW + timedelta(minutes=settings.XP_BOOST_MINUTES)

    assert response.json() == {
        "item": "xp-boost",
        "quantity": 0,
        "active_until": "2025-03-10T12:15:00Z",
    }
    # Spent but running: still shown.
    with freeze_time(NOW + timedelta(minutes=5)):
        assert auth_client.get("/api/v1/me/inventory/").json()["results"][0]["item"] == "xp-boost"
    inside = xp_boost_apply(user=user, amount=12, source_id="s1", at=until - timedelta(seconds=1))
    after = xp_boost_apply(user=user, amount=12, source_id="s2", at=until)

    assert (inside.amount, inside.source, inside.source_id) == (12, "xp_boost", "s1")
    assert after is None
    assert XpEvent.objects.filter(user=user, source="xp_boost").count() == 1


def test_a_second_boost_while_one_runs_extends_it(user):
    _give(user, "xp-boost", 2)

    inventory_item_use(user=user, slug="xp-boost", now=NOW)
    held = inventory_item_use(user=user, slug="xp-boost", now=NOW + timedelta(minutes=5))

    assert held.active_until == NOW + 2 * timedelta(minutes=settings.XP_BOOST_MINUTES)


def test_buying_then_using_with_the_services(user):
    gems_credit(user=user, amount=1000, reason="goal")

    shop_item_buy(user=user, slug="heart-refill", now=NOW)
    heart_lose(user=user, now=NOW)
    inventory_item_use(user=user, slug="heart-refill", now=NOW)

    assert hearts_get(user=user, now=NOW).count == settings.HEARTS_MAX
    assert InventoryItem.objects.get(user=user).quantity == 0


# --- Streak freezes ------------------------------------------------------------------------------


def test_a_held_freeze_covers_one_missed_day_once_and_the_streak_goes_on(user):
    _give(user, "streak-freeze", 2)
    streak_activity_record(user=user, at=NOW)
    streak_activity_record(user=user, at=NOW + DAY)

    # Day 3 missed; day 4 the learner is back.
    state = streak_activity_record(user=user, at=NOW + 3 * DAY)
    again = streak_freeze_spend(user=user, day=(NOW + 2 * DAY).date())

    assert (state.current, state.broken) == (3, False)
    assert again is True
    assert list(StreakFreezeUse.objects.values_list("day", flat=True)) == [(NOW + 2 * DAY).date()]
    assert InventoryItem.objects.get(user=user).quantity == 1


def test_two_missed_days_with_one_freeze_break_the_streak_and_keep_the_freeze(user):
    _give(user, "streak-freeze", 1)
    streak_activity_record(user=user, at=NOW)

    state = streak_activity_record(user=user, at=NOW + 3 * DAY)

    assert (state.current, state.broken) == (1, True)
    assert InventoryItem.objects.get(user=user).quantity == 1
    assert not StreakFreezeUse.objects.exists()


def test_two_missed_days_with_two_freezes_spend_both(user):
    _give(user, "streak-freeze", 2)
    streak_activity_record(user=user, at=NOW)

    state = streak_activity_record(user=user, at=NOW + 3 * DAY)

    assert (state.current, state.broken) == (2, False)
    assert InventoryItem.objects.get(user=user).quantity == 0


def test_a_day_a_job_already_covered_costs_nothing_more(user):
    _give(user, "streak-freeze", 2)
    streak_activity_record(user=user, at=NOW)

    assert streak_freeze_spend(user=user, day=(NOW + DAY).date(), at=NOW + 2 * DAY) is True
    assert streak_freeze_spend(user=user, day=(NOW + DAY).date(), at=NOW + 2 * DAY) is True
    state = streak_activity_record(user=user, at=NOW + 2 * DAY)

    assert (state.current, state.broken) == (2, False)
    assert InventoryItem.objects.get(user=user).quantity == 1
    assert StreakFreezeUse.objects.count() == 1


def test_without_a_freeze_spend_says_false(user):
    assert streak_freeze_spend(user=user, day=NOW.date()) is False
    assert not StreakFreezeUse.objects.exists()


def test_the_freeze_covers_the_learners_local_day_across_time_zones():
    # Auckland is UTC+13 in March: Monday 20:00 there is Monday 07:00 UTC.
    user = UserFactory(timezone="Pacific/Auckland")
    _give(user, "streak-freeze", 1)
    monday = datetime(2025, 3, 10, 20, tzinfo=ZoneInfo("Pacific/Auckland"))
    streak_activity_record(user=user, at=monday)

    # Wednesday 08:00 in Auckland is still Tuesday 19:00 UTC: Tuesday, a local day, was missed.
    state = streak_activity_record(user=user, at=monday + timedelta(hours=36))

    assert (state.current, state.broken) == (2, False)
    assert list(StreakFreezeUse.objects.values_list("day", flat=True)) == [
        datetime(2025, 3, 11).date()
    ]


def test_stats_show_a_streak_a_freeze_can_still_save(auth_client, user):
    streak_activity_record(user=user, at=NOW)
    streak_activity_record(user=user, at=NOW + DAY)
    with freeze_time(NOW + 3 * DAY):
        broken = auth_client.get("/api/v1/me/stats/").json()
        _give(user, "streak-freeze", 1)
        saved = auth_client.get("/api/v1/me/stats/").json()
        read = streak_get(user=user)

    assert (broken["streak"], broken["streak_broken"]) == (0, True)
    assert (saved["streak"], saved["streak_broken"], saved["streak_freezes"]) == (2, False, 1)
    assert (read.current, read.broken) == (2, False)


# --- Admin ---------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_staff_grant_and_take_gems_with_a_reason_in_the_admin(staff_client, user):
    gems_credit(user=user, amount=5, reason="goal")
    url = reverse("admin:gamification_gemwallet_adjust", args=[user.pk])

    assert staff_client.get(url).status_code == 200
    granted = staff_client.post(url, {"amount": 20, "reason": "Apology"})
    taken = staff_client.post(url, {"amount": -10, "reason": "Refund reversed"})
    too_much = staff_client.post(url, {"amount": -100, "reason": "Oops"})

    assert granted.status_code == taken.status_code == 302
    assert too_much.status_code == 200
    assert GemWallet.objects.get(user=user).balance == 15 == _ledger_sum(user)
    rows = GemTransaction.objects.filter(wallet_id=user.pk, source="staff").order_by("id")
    assert [(r.amount, r.reason.split(" (")[0]) for r in rows] == [
        (20, "Apology"),
        (-10, "Refund reversed"),
    ]
    assert (
        staff_client.get(reverse("admin:gamification_gemwallet_change", args=[user.pk])).status_code
        == 200
    )


def test_the_gem_form_refuses_zero_and_people_without_the_permission(client, staff_client, user):
    gems_credit(user=user, amount=5, reason="goal")
    url = reverse("admin:gamification_gemwallet_adjust", args=[user.pk])

    zero = staff_client.post(url, {"amount": 0, "reason": "x"})
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name="editors"))
    client.force_login(editor)
    forbidden = client.post(url, {"amount": 5, "reason": "x"})

    assert zero.status_code == 200
    assert forbidden.status_code == 403
    assert GemWallet.objects.get(user=user).balance == 5


def test_editors_manage_shop_items_in_the_admin(client):
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name="editors"))
    client.force_login(editor)

    response = client.post(
        reverse("admin:gamification_shopitem_add"),
        {
            "slug": "gem-chest",
            "name": "Chest",
            "description": "",
            "price": 5,
            "effect": "xp_boost",
            "on_sale": "on",
            "position": 9,
        },
    )

    assert response.status_code == 302
    assert ShopItem.objects.filter(slug="gem-chest").exists()
    assert client.get(reverse("admin:gamification_gemwallet_changelist")).status_code == 403


# --- Export and deletion -------------------------------------------------------------------------


@pytest.fixture
def shopper(user):
    gems_credit(user=user, amount=1000, reason="goal")
    shop_item_buy(user=user, slug="streak-freeze", client_id="c1", now=NOW)
    shop_item_buy(user=user, slug="xp-boost", now=NOW)
    inventory_item_use(user=user, slug="xp-boost", now=NOW)
    streak_activity_record(user=user, at=NOW)
    streak_activity_record(user=user, at=NOW + 2 * DAY)
    return user


def test_the_export_holds_wallet_transactions_inventory_purchases_and_freezes(shopper):
    exported = gamification_export(user=shopper)

    prices = {item.slug: item.price for item in ShopItem.objects.all()}
    balance = 1000 - prices["streak-freeze"] - prices["xp-boost"]
    assert exported["gem_wallet"] == {"balance": balance}
    assert [
        (r["amount"], r["balance_after"], r["source"]) for r in exported["gem_transactions"]
    ] == [
        (1000, 1000, ""),
        (-prices["streak-freeze"], 1000 - prices["streak-freeze"], "purchase"),
        (-prices["xp-boost"], balance, "purchase"),
    ]
    assert exported["inventory"] == [
        {"item": "streak-freeze", "quantity": 0, "active_until": None},
        {"item": "xp-boost", "quantity": 0, "active_until": "2025-03-10T12:15:00+00:00"},
    ]
    assert [(p["item"], p["client_id"], p["owned_after"]) for p in exported["purchases"]] == [
        ("streak-freeze", "c1", 1),
        ("xp-boost", "", 1),
    ]
    assert exported["streak_freeze_uses"] == [
        {"day": "2025-03-11", "created_at": "2025-03-12T12:00:00+00:00"}
    ]
    json.dumps(exported)


def test_deleting_the_account_deletes_its_shop_rows_and_keeps_the_items(shopper):
    other = UserFactory()
    gems_credit(user=other, amount=500, reason="goal")
    shop_item_buy(user=other, slug="xp-boost", now=NOW)

    shopper.delete()

    for model in (GemWallet, GemTransaction, InventoryItem, Purchase):
        assert not model.objects.filter(
            **({"wallet__user": shopper.pk} if model is GemTransaction else {"user": shopper.pk})
        ).exists(), model.__name__
    assert not StreakFreezeUse.objects.exists()
    assert Purchase.objects.filter(user=other).count() == 1
    assert ShopItem.objects.count() == 3
