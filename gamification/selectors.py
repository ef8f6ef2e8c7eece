"""Reads of a learner's game state, computed from the clock so no job has to run first.

Hearts regenerate and streaks lapse with time alone: the stored rows say what was true at their
last write, and these functions say what is true at `now`.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from config.sql import Select, column, instance_from_row, table
from config.timeutils import iso, local_day
from gamification.leagues.selectors import leagues_export
from gamification.models import (
    DailyQuest,
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
    UnlockedTier,
    XpEvent,
)


@dataclass(frozen=True)
class HeartsState:
    count: int
    max: int
    # When the next heart comes back; None at the maximum.
    next_refill_at: datetime | None


@dataclass(frozen=True)
class StreakState:
    """A learner's streak.

    `extended_today`: the streak was extended on the local day in question: by this very call for
    `streak_activity_record` (False for a later completion the same day, which changes nothing),
    by any completion so far today for `streak_get`.
    `broken`: a local day was missed since the last active day, so the earlier streak was lost
    (on a read: the current streak is 0; on a recorded activity: it restarted at 1).
    """

    current: int
    longest: int
    extended_today: bool
    broken: bool


@dataclass(frozen=True)
class Stats:
    total_xp: int
    xp_today: int
    daily_goal_xp: int
    daily_goal_met: bool
    streak: int
    longest_streak: int
    streak_broken: bool
    hearts: int
    hearts_max: int
    next_heart_at: datetime | None
    gems: int
    streak_freezes: int = 0


# --- Hearts ------------------------------------------------------------------------------------


def hearts_settings() -> tuple[int, timedelta]:
    return settings.HEARTS_MAX, timedelta(minutes=settings.HEARTS_REFILL_MINUTES)


def hearts_regenerated(hearts: Hearts | None, *, now: datetime) -> tuple[int, datetime | None]:
    """The count at `now` and the instant the next heart's interval started (None when full).

    Only whole intervals since the anchor turn into hearts; the anchor moves forward by those
    intervals, so the part of an interval already waited is kept.
    """
    maximum, interval = hearts_settings()
    if hearts is None or hearts.count >= maximum:
        return maximum, None
    # A clock that runs behind the anchor (a caller's `now` from the past) regenerates nothing.
    elapsed = max(now - hearts.refill_anchor, timedelta(0))
    gained = elapsed // interval
    count = hearts.count + gained
    if count >= maximum:
        return maximum, None
    return count, hearts.refill_anchor + gained * interval


def hearts_state(hearts: Hearts | None, *, now: datetime) -> HeartsState:
    maximum, interval = hearts_settings()
    count, anchor = hearts_regenerated(hearts, now=now)
    return HeartsState(
        count=count, max=maximum, next_refill_at=anchor + interval if anchor else None
    )


def hearts_get(*, user, now: datetime | None = None) -> HeartsState:
    """The learner's hearts at `now`; a learner who never lost one has them all (no row yet)."""
    now = now or timezone.now()
    if timezone.is_naive(now):
        raise ValueError("A time-zone-aware datetime is required.")
    row = _hearts_select().one([getattr(user, "pk", user)])
    return hearts_state(None if row is None else instance_from_row(Hearts, row), now=now)


@cache
def _hearts_select() -> Select:
    # Read on every answer: written out, as the ORM compiled it for longer than it ran.
    fields = Hearts._meta.concrete_fields
    return Select(
        f"SELECT {', '.join(column(Hearts, field.name, alias='h') for field in fields)}"
        f" FROM {table(Hearts)} h WHERE {column(Hearts, 'user', alias='h')} = %s",
        fields,
    )


# --- Streak ------------------------------------------------------------------------------------


def streak_last_active_day(streak: Streak, *, zone: tzinfo) -> date | None:
    """The day the streak was last kept up, as the learner's calendar in `zone` sees it.

    That is the stored day, or the day the latest activity falls on in `zone` when that is later:
    after a move east the dates jump ahead, and a learner active in Honolulu on Monday evening
    who wakes up in Auckland on Wednesday was active yesterday, 13 hours ago, not two days ago.
    """
    last = streak.last_active_date
    if streak.last_active_at is not None:
        seen_here = streak.last_active_at.astimezone(zone).date()
        if last is None or seen_here > last:
            return seen_here
    return last


def streak_state(
    streak: Streak | None, *, today: date, zone: tzinfo, freezes: int = 0
) -> StreakState:
    """The streak on `today`, a day of the learner's calendar in `zone`.

    `freezes`: the missed days streak freezes cover or can cover (those held plus those already
    spent since the last active day); the streak lives on through that many missed days, as the
    next lesson will find (`services.streak_activity_record`).
    """
    if streak is None or streak.last_active_date is None:
        return StreakState(current=0, longest=0, extended_today=False, broken=False)
    if streak_last_active_day(streak, zone=zone) >= today - timedelta(days=1 + freezes):
        return StreakState(
            current=streak.current,
            longest=streak.longest,
            # Only the stored day says whether today's lesson already extended the streak.
            extended_today=streak.last_active_date >= today,
            broken=False,
        )
    return StreakState(current=0, longest=streak.longest, extended_today=False, broken=True)


def streak_get(*, user, now: datetime | None = None) -> StreakState:
    """The streak as of the learner's local day at `now`, whether or not a rollover job ran."""
    today = local_day(user=user, at=now).date
    streak = Streak.objects.filter(user=user).first()
    state = streak_state(streak, today=today, zone=user.zone)
    if state.broken and streak.current:
        # Only a gap costs the look at the freezes.
        state = streak_state(
            streak,
            today=today,
            zone=user.zone,
            freezes=streak_freezes_count(user=user, streak=streak, today=today),
        )
    return state


def streak_freezes_count(*, user, streak: Streak, today: date) -> int:
    """Freezes held plus those spent on days after the last active one, before `today`."""
    held = (
        InventoryItem.objects.filter(user=user, item__effect=ShopEffect.STREAK_FREEZE)
        .values_list("quantity", flat=True)
        .first()
        or 0
    )
    spent = StreakFreezeUse.objects.filter(
        user=user, day__gt=streak.last_active_date, day__lt=today
    ).count()
    return held + spent


# --- Everything at once ------------------------------------------------------------------------


@cache
def _stats_select() -> Select:
    User = get_user_model()

    def col(model, name, alias):
        return column(model, name, alias=alias)

    selected = [
        (User, "daily_goal_xp", "u"),
        (LearnerStats, "total_xp", "ls"),
        (Streak, "user", "st"),
        (Streak, "current", "st"),
        (Streak, "longest", "st"),
        (Streak, "last_active_date", "st"),
        (Streak, "last_active_at", "st"),
        (Hearts, "user", "h"),
        (Hearts, "count", "h"),
        (Hearts, "refill_anchor", "h"),
        (GemWallet, "balance", "w"),
    ]
    # Parameters in order: today, the streak-freeze effect, today, the user.
    xp_today = (
        f"SELECT {col(DailyXp, 'xp', 'd')} FROM {table(DailyXp)} d"
        f" WHERE {col(DailyXp, 'user', 'd')} = {col(User, 'id', 'u')}"
        f" AND {col(DailyXp, 'date', 'd')} = %s"
    )
    freezes_held = (
        f"SELECT {col(InventoryItem, 'quantity', 'i')} FROM {table(InventoryItem)} i"
        f" INNER JOIN {table(ShopItem)} si"
        f" ON {col(ShopItem, 'id', 'si')} = {col(InventoryItem, 'item', 'i')}"
        f" WHERE {col(InventoryItem, 'user', 'i')} = {col(User, 'id', 'u')}"
        f" AND {col(ShopItem, 'effect', 'si')} = %s"
    )
    # Spent on days missed since the last active one: they still count towards the streak.
    freezes_spent = (
        f"SELECT COUNT(*) FROM {table(StreakFreezeUse)} f"
        f" WHERE {col(StreakFreezeUse, 'user', 'f')} = {col(User, 'id', 'u')}"
        f" AND {col(StreakFreezeUse, 'day', 'f')} > {col(Streak, 'last_active_date', 'st')}"
        f" AND {col(StreakFreezeUse, 'day', 'f')} < %s"
    )

    def joined(model, alias):
        return (
            f" LEFT OUTER JOIN {table(model)} {alias}"
            f" ON {col(model, 'user', alias)} = {col(User, 'id', 'u')}"
        )

    return Select(
        f"SELECT {', '.join(col(*selected_column) for selected_column in selected)},"
        f" ({xp_today}), ({freezes_held} LIMIT 1), ({freezes_spent})"
        f" FROM {table(User)} u"
        + joined(LearnerStats, "ls")
        + joined(Streak, "st")
        + joined(Hearts, "h")
        + joined(GemWallet, "w")
        + f" WHERE {col(User, 'id', 'u')} = %s",
        [model._meta.get_field(name) for model, name, _ in selected] + [None, None, None],
    )


def stats_get(*, user, now: datetime | None = None) -> Stats:
    """The learner's stats at `now`, in one query however much history there is (hand-written,
    `config.sql`: compiling the queryset took four times as long as running it)."""
    now = now or timezone.now()
    today = local_day(user=user, at=now).date
    day = connection.ops.adapt_datefield_value(today)
    row = _stats_select().one([day, ShopEffect.STREAK_FREEZE.value, day, user.pk])
    if row is None:
        raise get_user_model().DoesNotExist
    (
        daily_goal_xp,
        total_xp,
        streak_user,
        current,
        longest,
        last_active_date,
        last_active_at,
        hearts_user,
        hearts_count,
        refill_anchor,
        gems,
        xp_today,
        freezes_held,
        freezes_spent,
    ) = row
    streak_row = None
    if streak_user is not None:
        streak_row = Streak(
            user_id=streak_user,
            current=current,
            longest=longest,
            last_active_date=last_active_date,
            last_active_at=last_active_at,
        )
    hearts_row = None
    if hearts_user is not None:
        hearts_row = Hearts(user_id=hearts_user, count=hearts_count, refill_anchor=refill_anchor)
    streak = streak_state(
        streak_row, today=today, zone=user.zone, freezes=(freezes_held or 0) + (freezes_spent or 0)
    )
    hearts = hearts_state(hearts_row, now=now)
    xp_today = xp_today or 0
    return Stats(
        total_xp=total_xp or 0,
        xp_today=xp_today,
        daily_goal_xp=daily_goal_xp,
        daily_goal_met=xp_today >= daily_goal_xp,
        streak=streak.current,
        longest_streak=streak.longest,
        streak_broken=streak.broken,
        hearts=hearts.count,
        hearts_max=hearts.max,
        next_heart_at=hearts.next_refill_at,
        gems=gems or 0,
        streak_freezes=freezes_held or 0,
    )


# --- Gems and shop -----------------------------------------------------------------------------


def wallet_balance_get(*, user) -> int:
    return GemWallet.objects.filter(user=user).values_list("balance", flat=True).first() or 0


def gem_transaction_list(*, user):
    """The learner's gem ledger, newest first (a queryset, for the caller to paginate)."""
    return GemTransaction.objects.filter(wallet_id=user.pk).order_by("-created_at", "-id")


def shop_item_list():
    return ShopItem.objects.filter(on_sale=True).order_by("position", "id")


def inventory_list(*, user):
    """What the learner holds, or has running (a boost used up but still active)."""
    return (
        InventoryItem.objects.filter(user=user)
        .select_related("item")
        .filter(Q(quantity__gt=0) | Q(active_until__gt=timezone.now()))
        .order_by("item__position", "item_id")
    )


# --- Export ------------------------------------------------------------------------------------


def gamification_export(*, user) -> dict:
    """Everything gamification holds about the learner, as plain JSON values (for `me/export/`):
    the stored rows as they are (None where a row was never created), ledgers oldest first.

    Deleting the account deletes all of it: every row cascades from the user.
    """
    stats = LearnerStats.objects.filter(user=user).first()
    streak = Streak.objects.filter(user=user).first()
    hearts = Hearts.objects.filter(user=user).first()
    wallet = GemWallet.objects.filter(user=user).first()
    xp_events = XpEvent.objects.filter(user=user).order_by("created_at", "id")
    daily = DailyXp.objects.filter(user=user).order_by("date")
    gem_transactions = GemTransaction.objects.filter(wallet_id=user.pk).order_by("created_at", "id")
    return {
        "stats": (
            {
                "total_xp": stats.total_xp,
                "lessons_completed": stats.lessons_completed,
                "perfect_lessons": stats.perfect_lessons,
                "reviews_done": stats.reviews_done,
                "words_learned": stats.words_learned,
                "followers": stats.followers,
                "league_finishes": stats.league_finishes,
            }
            if stats
            else None
        ),
        "xp_events": [
            {
                "amount": event.amount,
                "source": event.source,
                "source_id": event.source_id,
                "created_at": iso(event.created_at),
                "local_date": iso(event.local_date),
            }
            for event in xp_events.iterator()
        ],
        "daily_xp": [
            {
                "date": iso(row.date),
                "xp": row.xp,
                "lessons_completed": row.lessons_completed,
                "perfect_lessons": row.perfect_lessons,
                "reviews_done": row.reviews_done,
            }
            for row in daily.iterator()
        ],
        "streak": (
            {
                "current": streak.current,
                "longest": streak.longest,
                "last_active_date": iso(streak.last_active_date),
                "last_active_at": iso(streak.last_active_at),
            }
            if streak
            else None
        ),
        "hearts": (
            {"count": hearts.count, "refill_anchor": iso(hearts.refill_anchor)} if hearts else None
        ),
        "gem_wallet": {"balance": wallet.balance} if wallet else None,
        "gem_transactions": [
            {
                "amount": row.amount,
                "balance_after": row.balance_after,
                "reason": row.reason,
                "source": row.source,
                "source_id": row.source_id,
                "created_at": iso(row.created_at),
            }
            for row in gem_transactions.iterator()
        ],
        "inventory": [
            {
                "item": row.item.slug,
                "quantity": row.quantity,
                "active_until": iso(row.active_until),
            }
            for row in InventoryItem.objects.filter(user=user)
            .select_related("item")
            .order_by("item_id")
        ],
        "purchases": [
            {
                "item": row.item.slug,
                "client_id": row.client_id,
                "price": row.price,
                "balance_after": row.balance_after,
                "owned_after": row.owned_after,
                "created_at": iso(row.created_at),
            }
            for row in Purchase.objects.filter(user=user)
            .select_related("item")
            .order_by("created_at", "id")
        ],
        "streak_freeze_uses": [
            {"day": iso(row.day), "created_at": iso(row.created_at)}
            for row in StreakFreezeUse.objects.filter(user=user).order_by("day")
        ],
        "achievements": [
            {
                "achievement": row.tier.achievement.slug,
                "tier": row.tier.level,
                "unlocked_at": iso(row.unlocked_at),
            }
            for row in UnlockedTier.objects.filter(user=user)
            .select_related("tier__achievement")
            .order_by("unlocked_at", "id")
        ],
        "daily_quests": [
            {
                "date": iso(row.date),
                "slot": row.slot,
                "slug": row.slug,
                "description": row.description,
                "goal": row.goal,
                "reward_gems": row.reward_gems,
                "completed_at": iso(row.completed_at),
            }
            for row in DailyQuest.objects.filter(user=user).order_by("date", "slot")
        ],
        **leagues_export(user=user),
    }


# --- Public profiles (registered with social.registry) -----------------------------------------


def profile_stats(*, users) -> dict[int, dict]:
    """`streak` (as of each learner's own today) and `total_xp` of each user, in two queries
    however many users: what a public profile shows."""
    ids = [user.pk for user in users]
    streaks = {streak.user_id: streak for streak in Streak.objects.filter(user_id__in=ids)}
    totals = dict(LearnerStats.objects.filter(user_id__in=ids).values_list("user_id", "total_xp"))
    result = {}
    for user in users:
        today = local_day(user=user).date
        state = streak_state(streaks.get(user.pk), today=today, zone=user.zone)
        result[user.pk] = {"streak": state.current, "total_xp": totals.get(user.pk, 0)}
    return result


# --- Classrooms: a class's XP, read in a few queries whatever its size ---------------------------


def xp_by_user(*, user_ids, start: datetime, end: datetime | None = None) -> dict[int, int]:
    """XP each learner earned in [start, end) (UTC instants), in one query; absent: none."""
    events = XpEvent.objects.filter(user_id__in=user_ids, created_at__gte=start)
    if end is not None:
        events = events.filter(created_at__lt=end)
    return dict(events.values("user_id").annotate(xp=Sum("amount")).values_list("user_id", "xp"))


def xp_windows_by_user(
    *, user_ids, windows: dict[int, tuple[datetime, datetime]]
) -> dict[int, dict[int, tuple[int, int]]]:
    """For each learner and each window key: (XP earned in [start, end), XP earned since start).

    One query whatever the number of learners: a conditional sum per window, so the cost grows
    with the windows asked (a page of assignments), never with the class.
    """
    if not windows or not user_ids:
        return {}
    earliest = min(start for start, _end in windows.values())
    aggregates = {}
    for key, (start, end) in windows.items():
        in_window = Q(created_at__gte=start, created_at__lt=end)
        aggregates[f"in_{key}"] = Coalesce(Sum("amount", filter=in_window), 0)
        aggregates[f"since_{key}"] = Coalesce(Sum("amount", filter=Q(created_at__gte=start)), 0)
    rows = (
        XpEvent.objects.filter(user_id__in=user_ids, created_at__gte=earliest)
        .values("user_id")
        .annotate(**aggregates)
    )
    return {
        row["user_id"]: {key: (row[f"in_{key}"], row[f"since_{key}"]) for key in windows}
        for row in rows
    }


def xp_last_earned_at(*, user_ids) -> dict[int, datetime]:
    return dict(
        XpEvent.objects.filter(user_id__in=user_ids)
        .values("user_id")
        .annotate(last=Max("created_at"))
        .values_list("user_id", "last")
    )


def daily_xp_totals(*, user_ids, first: date, last: date) -> dict[date, int]:
    """The learners' XP summed per day (each learner's own local days), first to last included."""
    rows = (
        DailyXp.objects.filter(user_id__in=user_ids, date__gte=first, date__lte=last)
        .values("date")
        .annotate(xp=Sum("xp"))
        .values_list("date", "xp")
    )
    return dict(rows)
