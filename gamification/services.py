"""Every write to a learner's XP, streak, hearts, counters and gems.

Money-like values change only here, each in one transaction that locks the row
(`select_for_update`) or changes it with a conditional/F() update, so concurrent requests can
neither lose an update nor spend what is not there. Rows are created on first use.

The reads (`hearts_get`, `streak_get`, `stats_get`) live in `selectors` and are importable from
here too, so a caller finds the whole interface in one module.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Sum

from config.api.errors import Conflict, Forbidden, NotFound
from config.timeutils import aware, local_day
from gamification.error_codes import GamificationErrorCode
from gamification.leagues.membership import league_xp_record
from gamification.models import (
    SOURCE_ID_MAX_LENGTH,
    DailyXp,
    GemTransaction,
    GemWallet,
    Hearts,
    InventoryItem,
    LearnerStats,
    Purchase,
    ShopEffect,
    ShopItem,
    Streak,
    StreakFreezeUse,
    XpEvent,
    XpSource,
)
from gamification.selectors import (
    HeartsState,
    Stats,
    StreakState,
    hearts_get,
    hearts_regenerated,
    hearts_settings,
    hearts_state,
    stats_get,
    streak_get,
    streak_last_active_day,
)
from social.services import streak_milestone_record

__all__ = [
    "HeartsState",
    "PurchaseResult",
    "Stats",
    "StreakState",
    "XpSource",
    "followers_record",
    "gems_credit",
    "gems_debit",
    "gems_grant",
    "heart_lose",
    "heart_restore",
    "hearts_get",
    "hearts_refill",
    "inventory_item_use",
    "league_finish_record",
    "lesson_completed_record",
    "review_done_record",
    "shop_item_buy",
    "stats_get",
    "streak_activity_record",
    "streak_freeze_spend",
    "streak_get",
    "words_learned_record",
    "xp_award",
    "xp_boost_apply",
]


def _positive_int(value, name: str) -> int:
    # bool is an int in Python; True XP is a bug at the caller, not one XP.
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return value


def _add_to_counters(model: type[models.Model], *, filters: dict, **amounts: int) -> None:
    """Adds `amounts` to a row's counters with F(), creating the row on first use.

    Safe under concurrency: the UPDATE locks an existing row; when two transactions both find none,
    one INSERT wins and the other, refused by the unique key, falls back to the UPDATE.
    """
    increments = {name: F(name) + value for name, value in amounts.items()}
    if model.objects.filter(**filters).update(**increments):
        return
    try:
        with transaction.atomic():
            model.objects.create(**filters, **amounts)
    except IntegrityError:
        if not model.objects.filter(**filters).update(**increments):
            raise


# --- XP ----------------------------------------------------------------------------------------


def _capped_amount(*, user, source: XpSource, day, amount: int, daily_cap: int) -> int:
    """What is left of the day's cap for `source`, at most `amount`. Locks the learner's row of
    the day first, so that concurrent awards sum the day's XP one after the other: a
    read-then-write without the lock would let two awards both take the cap's last point."""
    if daily_cap == 0:
        return 0
    DailyXp.objects.select_for_update().get_or_create(user=user, date=day, defaults={"xp": 0})
    earned = (
        XpEvent.objects.filter(user=user, source=source, local_date=day).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )
    return max(0, min(amount, daily_cap - earned))


def xp_award(
    *,
    user,
    amount: int,
    source: str,
    source_id: str | int,
    at: datetime | None = None,
    daily_cap: int | None = None,
) -> XpEvent | None:
    """The one door for XP. Returns the new ledger row, or None when this award was already made
    or the source's daily cap leaves nothing of it.

    The ledger row, the learner's local day total and the learner's total change together.
    `daily_cap` bounds the XP from this `source` on the learner's local day of `at`: an award is
    cut to what is left of the cap (an XP farm, say answering reviews all day, earns no more).
    """
    amount = _positive_int(amount, "amount")
    if daily_cap is not None and (
        isinstance(daily_cap, bool) or not isinstance(daily_cap, int) or daily_cap < 0
    ):
        raise ValueError(f"daily_cap must be a whole number from 0, got {daily_cap!r}.")
    try:
        source = XpSource(source)
    except ValueError:
        raise ValueError(f"Unknown XP source {source!r}.") from None
    source_id = str(source_id)
    if not source_id or len(source_id) > SOURCE_ID_MAX_LENGTH:
        raise ValueError(f"source_id must be 1 to {SOURCE_ID_MAX_LENGTH} characters.")
    at = aware(at)
    day = local_day(user=user, at=at).date

    with transaction.atomic():
        if daily_cap is not None:
            amount = _capped_amount(
                user=user, source=source, day=day, amount=amount, daily_cap=daily_cap
            )
            if not amount:
                return None
        try:
            # The savepoint keeps the caller's transaction usable after a refused duplicate.
            with transaction.atomic():
                event = XpEvent.objects.create(
                    user=user,
                    amount=amount,
                    source=source,
                    source_id=source_id,
                    created_at=at,
                    local_date=day,
                )
        except IntegrityError:
            if XpEvent.objects.filter(user=user, source=source, source_id=source_id).exists():
                return None
            raise
        _add_to_counters(DailyXp, filters={"user": user, "date": day}, xp=amount)
        _add_to_counters(LearnerStats, filters={"user": user}, total_xp=amount)
        # In the award's transaction, so a rolled-back award never reaches a standing; the
        # live leaderboard and the Redis ranking hear of it only after the commit.
        league_xp_record(user=user, amount=amount, at=at)
    return event


# --- Counters and streak -----------------------------------------------------------------------


def streak_activity_record(*, user, at: datetime) -> StreakState:
    """Counts the learner's local day of `at` as active.

    The first activity of a local day extends the streak (by one after an active yesterday, to
    one after a gap, reported as broken); later ones that day, or late ones for an earlier day,
    change nothing. Yesterday is judged on the learner's current calendar (see
    `selectors.streak_last_active_day`), so a change of time zone alone never breaks a streak.
    """
    at = aware(at)
    day = local_day(user=user, at=at).date
    with transaction.atomic():
        streak, _ = Streak.objects.select_for_update().get_or_create(user=user)
        previous = streak_last_active_day(streak, zone=user.zone)
        last = streak.last_active_date
        if streak.last_active_at is None or at > streak.last_active_at:
            streak.last_active_at = at
        # Extending needs a day after the stored one, whatever the zone, so hopping time zones
        # cannot count one day twice.
        if last is not None and last >= day:
            streak.save(update_fields=["last_active_at"])
            return StreakState(
                current=streak.current,
                longest=streak.longest,
                extended_today=False,
                broken=False,
            )
        continued = previous is not None and (
            previous >= day - timedelta(days=1)
            or (
                streak.current > 0
                and _streak_gap_freeze(
                    user=user, first=previous + timedelta(days=1), day=day, at=at
                )
            )
        )
        broken = previous is not None and not continued
        streak.current = streak.current + 1 if continued else 1
        streak.longest = max(streak.longest, streak.current)
        streak.last_active_date = day
        streak.save(update_fields=["current", "longest", "last_active_date", "last_active_at"])
        # A day extends the streak once (the check above), so a milestone is posted once.
        streak_milestone_record(user=user, days=streak.current, at=at)
    return StreakState(
        current=streak.current, longest=streak.longest, extended_today=True, broken=broken
    )


def _streak_gap_freeze(*, user, first: date, day: date, at: datetime) -> bool:
    """Covers the missed days from `first` to the day before `day` with freezes, when the learner
    holds enough for every day not yet covered; otherwise spends none (a freeze that cannot save
    the streak is kept). The caller holds the streak's lock."""
    missed = [first + timedelta(days=n) for n in range((day - first).days)]
    covered = set(
        StreakFreezeUse.objects.filter(user=user, day__in=missed).values_list("day", flat=True)
    )
    needed = [d for d in missed if d not in covered]
    if not needed:
        return True
    held = (
        InventoryItem.objects.filter(user=user, item__effect=ShopEffect.STREAK_FREEZE)
        .values_list("quantity", flat=True)
        .first()
        or 0
    )
    if held < len(needed):
        return False
    return all(streak_freeze_spend(user=user, day=d, at=at) for d in needed)


def streak_freeze_spend(*, user, day: date, at: datetime | None = None) -> bool:
    """Covers the learner's local `day` with one held streak freeze. True when the day is covered
    (now or already: a day costs one freeze however often it is asked), False when none is held.

    The next lesson after a gap calls it, and so can a rollover job; the streak row's lock orders
    the callers, and the unique (user, day) row records the spend.
    """
    at = aware(at)
    with transaction.atomic():
        Streak.objects.select_for_update().get_or_create(user=user)
        if StreakFreezeUse.objects.filter(user=user, day=day).exists():
            return True
        spent = InventoryItem.objects.filter(
            user=user, item__effect=ShopEffect.STREAK_FREEZE, quantity__gte=1
        ).update(quantity=F("quantity") - 1)
        if not spent:
            return False
        StreakFreezeUse.objects.create(user=user, day=day, created_at=at)
    return True


def lesson_completed_record(*, user, perfect: bool, at: datetime) -> StreakState:
    """Counts a completed lesson (once per completion: the caller guards against repeats), in the
    learner's totals and in their local day's counters (which daily quests read)."""
    at = aware(at)
    counts = {"lessons_completed": 1, "perfect_lessons": 1 if perfect else 0}
    with transaction.atomic():
        _add_to_counters(LearnerStats, filters={"user": user}, **counts)
        day = local_day(user=user, at=at).date
        _add_to_counters(DailyXp, filters={"user": user, "date": day}, **counts)
        return streak_activity_record(user=user, at=at)


def review_done_record(*, user, at: datetime) -> None:
    """Counts a finished review. Reviews do not extend the streak, which counts lessons."""
    at = aware(at)
    with transaction.atomic():
        _add_to_counters(LearnerStats, filters={"user": user}, reviews_done=1)
        day = local_day(user=user, at=at).date
        _add_to_counters(DailyXp, filters={"user": user, "date": day}, reviews_done=1)


def words_learned_record(*, user, count: int) -> None:
    """Counts words the learner met for the first time (srs calls it as it makes their cards)."""
    count = _positive_int(count, "count")
    _add_to_counters(LearnerStats, filters={"user": user}, words_learned=count)


def followers_record(*, user, count: int) -> None:
    """Sets the learner's follower count (the social app calls it on a follow or an unfollow);
    the followers achievements are then checked with `achievements_check`."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"count must be a whole number from 0, got {count!r}.")
    with transaction.atomic():
        if not LearnerStats.objects.filter(user=user).update(followers=count):
            LearnerStats.objects.get_or_create(user=user, defaults={"followers": count})
            LearnerStats.objects.filter(user=user).update(followers=count)


def league_finish_record(*, user) -> None:
    """Counts a league week finished in the top three places (the week close calls it once per
    learner and week; it guards against repeats)."""
    _add_to_counters(LearnerStats, filters={"user": user}, league_finishes=1)


# --- Hearts ------------------------------------------------------------------------------------


def _hearts_for_update(*, user, now: datetime) -> Hearts:
    maximum, _ = hearts_settings()
    hearts, _ = Hearts.objects.select_for_update().get_or_create(
        user=user, defaults={"count": maximum, "refill_anchor": now}
    )
    return hearts


def _hearts_save(hearts: Hearts, *, count: int, anchor: datetime) -> None:
    hearts.count = count
    hearts.refill_anchor = anchor
    hearts.save(update_fields=["count", "refill_anchor"])


def heart_lose(*, user, now: datetime | None = None) -> HeartsState:
    """Takes one heart. Losing one at the maximum starts the refill clock; below it, the part of
    the interval already waited is kept. Refused with `no_hearts` when none are left."""
    now = aware(now)
    with transaction.atomic():
        hearts = _hearts_for_update(user=user, now=now)
        count, anchor = hearts_regenerated(hearts, now=now)
        if count <= 0:
            raise Forbidden(
                "You have no hearts left; wait for one to come back or refill them.",
                code=GamificationErrorCode.NO_HEARTS,
            )
        _hearts_save(hearts, count=count - 1, anchor=anchor or now)
    return hearts_state(hearts, now=now)


def heart_restore(*, user, amount: int = 1, now: datetime | None = None) -> HeartsState:
    """Gives back `amount` hearts, up to the maximum, keeping the progress towards the next one."""
    amount = _positive_int(amount, "amount")
    now = aware(now)
    maximum, _ = hearts_settings()
    with transaction.atomic():
        hearts = _hearts_for_update(user=user, now=now)
        count, anchor = hearts_regenerated(hearts, now=now)
        count = min(maximum, count + amount)
        _hearts_save(hearts, count=count, anchor=anchor if anchor and count < maximum else now)
    return hearts_state(hearts, now=now)


def hearts_refill(*, user, now: datetime | None = None) -> HeartsState:
    """Fills the learner's hearts to the maximum (what gems and items buy)."""
    now = aware(now)
    maximum, _ = hearts_settings()
    with transaction.atomic():
        hearts = _hearts_for_update(user=user, now=now)
        _hearts_save(hearts, count=maximum, anchor=now)
    return hearts_state(hearts, now=now)


# --- Gems --------------------------------------------------------------------------------------


def _reason(reason: str) -> str:
    if not reason or len(reason) > GemTransaction._meta.get_field("reason").max_length:
        raise ValueError("A gem transaction needs a reason of at most 100 characters.")
    return reason


def _gems_change(
    *, user, amount: int, reason: str, source: str = "", source_id: str = ""
) -> GemTransaction | None:
    """Changes the balance by `amount` with its ledger row, under the wallet's row lock, so
    concurrent changes apply one after the other and the balance never goes below zero. None when
    (source, source_id) was paid already; `insufficient_gems` when a debit is more than held."""
    with transaction.atomic():
        wallet, _ = GemWallet.objects.select_for_update().get_or_create(user=user)
        if (
            source
            and GemTransaction.objects.filter(
                wallet=wallet, source=source, source_id=source_id
            ).exists()
        ):
            return None
        if wallet.balance + amount < 0:
            raise Conflict(
                f"You need {-amount} gems for this and have {wallet.balance}.",
                code=GamificationErrorCode.INSUFFICIENT_GEMS,
            )
        wallet.balance += amount
        wallet.save(update_fields=["balance"])
        return GemTransaction.objects.create(
            wallet=wallet,
            amount=amount,
            reason=reason,
            source=source,
            source_id=source_id,
            balance_after=wallet.balance,
        )


def gems_grant(
    *, user, amount: int, reason: str, source: str, source_id: str
) -> GemTransaction | None:
    """Pays (or, negative, takes) gems for one thing, named by (source, source_id), at most once:
    a repeated call returns None and changes nothing. What quests, achievements, lessons and
    staff use. A take larger than the balance is refused with `insufficient_gems`."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
        raise ValueError(f"amount must be a non-zero integer, got {amount!r}.")
    source_id = str(source_id)
    if not source or len(source) > GemTransaction._meta.get_field("source").max_length:
        raise ValueError("A gem grant needs a source of at most 32 characters.")
    if not source_id or len(source_id) > SOURCE_ID_MAX_LENGTH:
        raise ValueError(f"source_id must be 1 to {SOURCE_ID_MAX_LENGTH} characters.")
    return _gems_change(
        user=user, amount=amount, reason=_reason(reason), source=source, source_id=source_id
    )


def gems_credit(*, user, amount: int, reason: str) -> int:
    """Adds gems with a ledger row; returns the new balance."""
    amount = _positive_int(amount, "amount")
    return _gems_change(user=user, amount=amount, reason=_reason(reason)).balance_after


def gems_debit(*, user, amount: int, reason: str) -> int:
    """Spends gems with a ledger row; returns the new balance. Refused with `insufficient_gems`
    when the balance is short, changing nothing."""
    amount = _positive_int(amount, "amount")
    return _gems_change(user=user, amount=-amount, reason=_reason(reason)).balance_after


# --- Shop and inventory ------------------------------------------------------------------------


@dataclass(frozen=True)
class PurchaseResult:
    item: str
    balance: int
    owned: int
    # False when the client_id was seen before: the first purchase's answer, nothing bought.
    created: bool


def _purchase_result(purchase: Purchase, *, created: bool) -> PurchaseResult:
    return PurchaseResult(
        item=purchase.item.slug,
        balance=purchase.balance_after,
        owned=purchase.owned_after,
        created=created,
    )


def shop_item_buy(
    *, user, slug: str, client_id: str | None = None, now: datetime | None = None
) -> PurchaseResult:
    """Buys one of an item on sale: the gems go and the item comes in one transaction, or
    nothing happens (`insufficient_gems`, `limit_reached`). A client_id already used answers
    the first purchase again."""
    now = aware(now)
    item = ShopItem.objects.filter(slug=slug, on_sale=True).first()
    if item is None:
        raise NotFound("No item on sale has this slug.", code=GamificationErrorCode.ITEM_NOT_FOUND)
    with transaction.atomic():
        # The wallet's lock orders every purchase of the learner, so the client_id check, the
        # limit and the balance are each read after the previous purchase committed.
        GemWallet.objects.select_for_update().get_or_create(user=user)
        if client_id:
            earlier = Purchase.objects.select_related("item").filter(user=user, client_id=client_id)
            if earlier := earlier.first():
                return _purchase_result(earlier, created=False)
        held, _ = InventoryItem.objects.select_for_update().get_or_create(user=user, item=item)
        if item.max_owned is not None and held.quantity >= item.max_owned:
            raise Conflict(
                f"You already hold {held.quantity} of {item.name}, the most allowed.",
                code=GamificationErrorCode.LIMIT_REACHED,
            )
        purchase = Purchase(
            user=user,
            item=item,
            client_id=client_id or "",
            price=item.price,
            owned_after=held.quantity + 1,
            created_at=now,
            balance_after=0,
        )
        purchase.save()
        paid = _gems_change(
            user=user,
            amount=-item.price,
            reason=f"Bought {item.name}"[:100],
            source="purchase",
            source_id=str(purchase.pk),
        )
        purchase.balance_after = paid.balance_after
        purchase.save(update_fields=["balance_after"])
        held.quantity += 1
        held.save(update_fields=["quantity"])
    return _purchase_result(purchase, created=True)


def inventory_item_use(*, user, slug: str, now: datetime | None = None) -> InventoryItem:
    """Uses one held item: a heart refill fills the hearts (`hearts_full` when they are), a boost
    runs for XP_BOOST_MINUTES more. A streak freeze is never used by hand (`used_automatically`)."""
    now = aware(now)
    item = ShopItem.objects.filter(slug=slug).first()
    if item is None:
        raise NotFound("No item has this slug.", code=GamificationErrorCode.ITEM_NOT_FOUND)
    if item.effect == ShopEffect.STREAK_FREEZE:
        raise Conflict(
            "A streak freeze is used by itself on a day you miss.",
            code=GamificationErrorCode.USED_AUTOMATICALLY,
        )
    with transaction.atomic():
        held = (
            InventoryItem.objects.select_for_update()
            .select_related("item")
            .filter(user=user, item=item, quantity__gte=1)
            .first()
        )
        if held is None:
            raise Conflict(f"You hold no {item.name}.", code=GamificationErrorCode.ITEM_NOT_OWNED)
        if item.effect == ShopEffect.HEART_REFILL:
            # Read under the hearts row's lock (taken by the refill) so two refills cannot both
            # see the hearts short.
            hearts = _hearts_for_update(user=user, now=now)
            count, _ = hearts_regenerated(hearts, now=now)
            if count >= hearts_settings()[0]:
                raise Conflict(
                    "Your hearts are full already.", code=GamificationErrorCode.HEARTS_FULL
                )
            hearts_refill(user=user, now=now)
        elif item.effect == ShopEffect.XP_BOOST:
            start = max(now, held.active_until) if held.active_until else now
            held.active_until = start + timedelta(minutes=settings.XP_BOOST_MINUTES)
        held.quantity -= 1
        held.save(update_fields=["quantity", "active_until"])
    return held


def xp_boost_apply(
    *, user, amount: int, source_id: str | int, at: datetime | None = None
) -> XpEvent | None:
    """When an xp-boost runs at `at`, awards `amount` more XP as its own `xp_boost` ledger row
    (once per `source_id`); None otherwise."""
    at = aware(at)
    active = InventoryItem.objects.filter(
        user=user, item__effect=ShopEffect.XP_BOOST, active_until__gt=at
    ).exists()
    if not active or not amount:
        return None
    return xp_award(user=user, amount=amount, source=XpSource.XP_BOOST, source_id=source_id, at=at)
