"""The clock's jobs for streaks: the rollover at each learner's local midnight, the evening
reminder and the weekly progress email.

Each works on sets, never learner by learner: learners are grouped by time zone (the set of
zones in use is small), and zones whose clocks agree on the moments that matter form one group.
On PostgreSQL the rollover joins every learner to their group's figures in a few statements in
all; elsewhere (SQLite, the newcomer's default) it runs a few statements per group. The mail
jobs cost a few queries per group and per batch of learners. Every job is idempotent for the
same `at` and safe with two workers at once:

- the rollover locks the streaks it spends a freeze for, records the day in the unique
  (user, day) `StreakFreezeUse` row, and breaks the rest with one conditional UPDATE;
- a mail is sent only to the learners whose `ClockNotice` row this very run inserted, before
  sending: a mail that fails is not sent again (one missed beats one twice).

Each job also catches up: it handles what fell due at or before `at` and is not done yet, so a
run that was missed (or a zone whose midnight is not on the hour) is handled by the next one.
"""

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Exists, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.template.loader import render_to_string
from django.utils.module_loading import import_string

from config.timeutils import aware, local_midnight
from gamification.leagues.membership import week_of
from gamification.leagues.models import LeagueCohort
from gamification.leagues.selectors import league_week_results
from gamification.leagues.services import league_week_close
from gamification.models import (
    ClockNotice,
    ClockNoticeKind,
    InventoryItem,
    LearnerStats,
    ShopEffect,
    ShopItem,
    Streak,
    StreakFreezeUse,
    XpEvent,
)

logger = logging.getLogger(__name__)

# Ids per IN list: well under SQLite's 32,766 parameters per statement, and a few kB per round
# trip on PostgreSQL.
IDS_PER_STATEMENT = 1000
# Learners per batch of mail: one query loads a batch, one SMTP connection sends it.
MAILS_PER_BATCH = 200
# Local hours (0-23) from which the evening reminder and the Monday email go out.
STREAK_REMINDER_HOUR = 19
WEEKLY_PROGRESS_HOUR = 8
# Databases where the rollover runs in one pass for all zones (`_rollover_postgresql`); the others
# run it group by group with the ORM.
ONE_PASS_VENDORS = ("postgresql",)
# PostgreSQL advisory lock that lets one rollover run at a time (any fixed 64-bit number).
ROLLOVER_LOCK_KEY = 0x6C696E67756131


def _chunks(ids: list[int], size: int = IDS_PER_STATEMENT) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _zones(names: Iterable[str]) -> Iterator[tuple[str, ZoneInfo]]:
    for name in sorted(set(names)):
        try:
            yield name, ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            # One learner's bad zone must not stop everyone else's clock.
            logger.error("Learners have an unknown time zone %r; passed over", name)


def _users_in(zone_names: list[str]):
    return get_user_model().objects.filter(timezone__in=zone_names).values("pk")


# --- Streak rollover ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _DayEnd:
    """The local day that ended last, before `at`, on a group of zones' calendars: `day`, with
    its start and the previous day's start as UTC instants."""

    day: date
    start: datetime
    previous_start: datetime


def _day_end(*, zone: ZoneInfo, at: datetime) -> _DayEnd:
    day = at.astimezone(zone).date() - timedelta(days=1)
    return _DayEnd(
        day=day,
        start=local_midnight(day, zone),
        previous_start=local_midnight(day - timedelta(days=1), zone),
    )


def _not_active_since(*, day: date, start: datetime) -> Q:
    """Not active on `day` nor after it, on the learner's current calendar: the stored day is
    earlier and so is the last activity's instant (which, after a move east, may fall on a later
    date of the new zone than the one stored; `selectors.streak_last_active_day`)."""
    return Q(last_active_date__lt=day) & (
        Q(last_active_at__isnull=True) | Q(last_active_at__lt=start)
    )


def _active_on_or_after(*, day: date, start: datetime) -> Q:
    return Q(last_active_date__gte=day) | Q(last_active_at__gte=start)


def _freeze_used(day: date) -> Exists:
    return Exists(StreakFreezeUse.objects.filter(user=OuterRef("user_id"), day=day))


def _freeze_held() -> Exists:
    return Exists(
        InventoryItem.objects.filter(
            user=OuterRef("user_id"), item__effect=ShopEffect.STREAK_FREEZE, quantity__gte=1
        )
    )


def _rollover_due(*, zone_names: list[str], end: _DayEnd) -> QuerySet:
    """Streaks still counted that `end.day` did not extend and no freeze covers yet."""
    return Streak.objects.filter(
        _not_active_since(day=end.day, start=end.start),
        ~_freeze_used(end.day),
        current__gt=0,
        user_id__in=_users_in(zone_names),
    )


def _lock(queryset: QuerySet) -> int:
    """Locks the rows of `queryset` (in primary key order, so two lockers cannot deadlock) and
    counts them, without bringing them over to Python."""
    if not connection.features.has_select_for_update:
        # SQLite: a writing transaction has the whole database to itself.
        return queryset.count()
    sql, params = queryset.select_for_update().order_by("pk").values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql}) AS locked", params)
        return cursor.fetchone()[0]


def _rollover_group(*, zone_names: list[str], end: _DayEnd, at: datetime) -> tuple[int, int]:
    """(freezes spent, streaks broken) for the learners of `zone_names`, whose calendars agree
    on `end`. One transaction; the streak rows' locks order it after any lesson recorded or
    freeze spent meanwhile (`services.streak_activity_record` takes the same lock), and every
    statement after the lock reads afresh, so a rival run finds nothing left to do."""
    due = _rollover_due(zone_names=zone_names, end=end)
    with transaction.atomic():
        if not _lock(due):
            return 0, 0
        # Kept alive into the ended day: by a lesson on the day before, or a freeze covering it.
        alive = _active_on_or_after(
            day=end.day - timedelta(days=1), start=end.previous_start
        ) | _freeze_used(end.day - timedelta(days=1))
        spenders = list(due.filter(alive, _freeze_held()).values_list("user_id", flat=True))
        for chunk in _chunks(spenders):
            StreakFreezeUse.objects.bulk_create(
                [StreakFreezeUse(user_id=user_id, day=end.day, created_at=at) for user_id in chunk]
            )
            # One freeze each, should an editor have made two freeze items.
            first_held = (
                InventoryItem.objects.filter(
                    user_id__in=chunk, item__effect=ShopEffect.STREAK_FREEZE, quantity__gte=1
                )
                .values("user_id")
                .annotate(first=Min("pk"))
                .values("first")
            )
            InventoryItem.objects.filter(pk__in=first_held).update(quantity=F("quantity") - 1)
        # The spenders now have the day covered, so `due` is the streaks to break.
        broken = due.update(current=0)
    return len(spenders), broken


def streak_rollover(*, at: datetime | None = None) -> dict:
    """For every learner whose local day ended at or before `at` without a lesson: a held
    streak freeze covers the day, or the streak breaks (current 0). Once per learner and day.

    The lazy reading (`selectors.streak_get`) and the next lesson
    (`services.streak_activity_record`) agree with it, whichever comes first: a day covered
    here is covered there, a streak broken here restarts at one there.
    """
    at = aware(at)
    # A streak whose stored day is this late was active on every calendar's ended day.
    latest_ended = (at.astimezone(UTC) + timedelta(hours=14)).date() - timedelta(days=1)
    names = (
        Streak.objects.filter(current__gt=0, last_active_date__lt=latest_ended)
        .values_list("user__timezone", flat=True)
        .distinct()
    )
    groups: dict[_DayEnd, list[str]] = defaultdict(list)
    for name, zone in _zones(names):
        groups[_day_end(zone=zone, at=at)].append(name)
    if not groups:
        return {"groups": 0, "freezes_spent": 0, "streaks_broken": 0}
    if connection.vendor in ONE_PASS_VENDORS:
        frozen, broken = _rollover_postgresql(groups=groups, at=at)
    else:
        frozen = broken = 0
        for end, zone_names in sorted(groups.items(), key=lambda item: item[0].start):
            spent, lost = _rollover_group(zone_names=zone_names, end=end, at=at)
            frozen += spent
            broken += lost
    return {"groups": len(groups), "freezes_spent": frozen, "streaks_broken": broken}


# The same rules as `_rollover_group`, for every zone at once: each statement joins the
# learners to a small table of their zone's ended day (`zone_day`), so it is one pass over the
# streaks however many zones there are, where one statement per group of zones would scan them
# once per group.
_DUE = """
    s.current > 0
    AND s.last_active_date < g.day
    AND (s.last_active_at IS NULL OR s.last_active_at < g.start)
    AND NOT EXISTS (SELECT 1 FROM {use} f WHERE f.user_id = s.user_id AND f.day = g.day)
"""
_ALIVE = """
    (s.last_active_date >= g.day - 1
     OR s.last_active_at >= g.previous_start
     OR EXISTS (SELECT 1 FROM {use} f WHERE f.user_id = s.user_id AND f.day = g.day - 1))
"""
_SPEND = """
    {zone_day},
    held AS (
        SELECT DISTINCT i.user_id FROM {inventory} i JOIN {item} it ON it.id = i.item_id
        WHERE it.effect = %(effect)s AND i.quantity >= 1
    ),
    spenders AS (
        SELECT s.user_id, g.day FROM {streak} s
        JOIN held h ON h.user_id = s.user_id
        JOIN {user} u ON u.id = s.user_id JOIN zone_day g ON g.zone = u.timezone
        WHERE {due} AND {alive}
        ORDER BY s.user_id
        FOR UPDATE OF s
    ),
    claimed AS (
        INSERT INTO {use} (user_id, day, created_at)
        SELECT user_id, day, %(at)s FROM spenders
        ON CONFLICT (user_id, day) DO NOTHING
        RETURNING user_id
    )
    UPDATE {inventory} i SET quantity = i.quantity - 1
    FROM (
        -- One freeze each, should an editor have made two freeze items. Read from the table,
        -- not the spenders: the planner cannot size one CTE, and a join of two
        -- of them may become a nested loop of spenders times spenders.
        SELECT DISTINCT ON (i.user_id) i.id FROM {inventory} i
        JOIN {item} it ON it.id = i.item_id JOIN claimed c ON c.user_id = i.user_id
        WHERE it.effect = %(effect)s AND i.quantity >= 1
        ORDER BY i.user_id, i.id
    ) AS taken
    WHERE i.id = taken.id
"""
_BREAK = """
    {zone_day}
    UPDATE {streak} s SET current = 0
    FROM {user} u, zone_day g
    WHERE u.id = s.user_id AND g.zone = u.timezone AND {due}
"""


def _rollover_postgresql(*, groups: dict[_DayEnd, list[str]], at: datetime) -> tuple[int, int]:
    """(freezes spent, streaks broken), in one transaction of three statements:

    - a transaction-level advisory lock, so a second worker's run waits for the first and then
      finds nothing left to do;
    - the freezes: the streaks that spend one are locked (the lock a lesson takes first, in
      `services.streak_activity_record`, so a lesson under way finishes before and one coming
      waits after), the covered days inserted (a day covered meanwhile is passed over) and one
      freeze taken for each day inserted, nothing else;
    - the breaks, one UPDATE; a lesson recorded meanwhile rewrites the streak row, and
      PostgreSQL checks the conditions again on the new row before updating it.

    Locking every due streak up front, as the portable path does, would cost as much as the
    UPDATE itself (it writes each row's lock); here only the few that spend a freeze are."""
    rows, params = [], {"effect": ShopEffect.STREAK_FREEZE.value, "at": at}
    for n, (end, zone_names) in enumerate(groups.items()):
        for m, name in enumerate(zone_names):
            key = f"z{n}_{m}"
            rows.append(
                f"(%({key})s, %({key}_day)s::date, %({key}_start)s::timestamptz, "
                f"%({key}_previous)s::timestamptz)"
            )
            params |= {
                key: name,
                f"{key}_day": end.day,
                f"{key}_start": end.start,
                f"{key}_previous": end.previous_start,
            }
    names = {
        "streak": connection.ops.quote_name(Streak._meta.db_table),
        "user": connection.ops.quote_name(get_user_model()._meta.db_table),
        "use": connection.ops.quote_name(StreakFreezeUse._meta.db_table),
        "inventory": connection.ops.quote_name(InventoryItem._meta.db_table),
        "item": connection.ops.quote_name(ShopItem._meta.db_table),
    }
    names["zone_day"] = (
        "WITH zone_day (zone, day, start, previous_start) AS (VALUES " + ", ".join(rows) + ")"
    )
    names["due"] = _DUE.format(**names)
    names["alive"] = _ALIVE.format(**names)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLOVER_LOCK_KEY])
        cursor.execute(_SPEND.format(**names), params)
        frozen = cursor.rowcount
        cursor.execute(_BREAK.format(**names), params)
        return frozen, cursor.rowcount


# --- Mail --------------------------------------------------------------------------------------


def _push(*, user, title: str, body: str) -> None:
    # The transport srs's morning reminder uses (its `SRS_PUSH_BACKEND`), called through the
    # setting because gamification sits below srs and may not import it.
    try:
        import_string(settings.SRS_PUSH_BACKEND)(user=user, title=title, body=body)
    except Exception:
        # The mail has gone, and the claim stands: a failed push is logged, never retried.
        logger.exception("Could not push to learner %s", user.pk)


def _message(*, user, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    context = {"user": user, "name": user.get_short_name(), **context}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"gamification/email/{template}.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string(f"gamification/email/{template}.html", context), "text/html"
    )
    return message


def _send(messages: list[EmailMultiAlternatives]) -> int:
    """Sends a batch over one connection. A refusal is logged, not retried: the learners' claims
    stand, because a mail sent twice is worse than one missed."""
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:
        logger.exception("Could not send %s clock mails", len(messages))
        return 0


def _claim(*, user_ids: list[int], kind: str, period: date, at: datetime) -> uuid.UUID:
    """Inserts a notice for each learner not claimed yet for (kind, period), marked with a new
    run id; the learners whose rows carry that id are this run's to mail."""
    run = uuid.uuid4()
    for chunk in _chunks(user_ids):
        ClockNotice.objects.bulk_create(
            [
                ClockNotice(user_id=user_id, kind=kind, period=period, run=run, created_at=at)
                for user_id in chunk
            ],
            ignore_conflicts=True,
        )
    return run


def _claimed(*, run: uuid.UUID) -> Iterator[list[int]]:
    ids = list(
        ClockNotice.objects.filter(run=run).order_by("user_id").values_list("user_id", flat=True)
    )
    yield from _chunks(ids, MAILS_PER_BATCH)


def _mailable(zone_names: list[str]):
    return (
        get_user_model().objects.filter(timezone__in=zone_names, is_active=True).exclude(email="")
    )


def _not_claimed(*, kind: str, period: date) -> Exists:
    return ~Exists(ClockNotice.objects.filter(user=OuterRef("pk"), kind=kind, period=period))


@dataclass(frozen=True)
class _Evening:
    today: date
    start: datetime
    yesterday_start: datetime


def streak_reminders_send(*, at: datetime | None = None) -> dict:
    """The evening reminder, by mail and push, to learners with a streak still counted who have
    not had a lesson today, once their local clock reads STREAK_REMINDER_HOUR; at most one per
    learner and local day. Learners turn it off with `streak_reminders`."""
    at = aware(at)
    names = (
        Streak.objects.filter(current__gt=0, user__streak_reminders=True, user__is_active=True)
        .values_list("user__timezone", flat=True)
        .distinct()
    )
    groups: dict[_Evening, list[str]] = defaultdict(list)
    for name, zone in _zones(names):
        local = at.astimezone(zone)
        if local.hour < STREAK_REMINDER_HOUR:
            continue
        today = local.date()
        evening = _Evening(
            today=today,
            start=local_midnight(today, zone),
            yesterday_start=local_midnight(today - timedelta(days=1), zone),
        )
        groups[evening].append(name)
    sent = 0
    for evening, zone_names in groups.items():
        yesterday = evening.today - timedelta(days=1)
        ids = list(
            Streak.objects.filter(
                _not_active_since(day=evening.today, start=evening.start),
                _active_on_or_after(day=yesterday, start=evening.yesterday_start)
                | _freeze_used(yesterday),
                current__gt=0,
                user_id__in=_mailable(zone_names)
                .filter(streak_reminders=True)
                .filter(_not_claimed(kind=ClockNoticeKind.STREAK_REMINDER, period=evening.today))
                .values("pk"),
            ).values_list("user_id", flat=True)
        )
        if not ids:
            continue
        run = _claim(
            user_ids=ids, kind=ClockNoticeKind.STREAK_REMINDER, period=evening.today, at=at
        )
        for batch in _claimed(run=run):
            sent += _reminders_batch(batch)
    return {"reminders_sent": sent}


def _reminders_batch(user_ids: list[int]) -> int:
    learners = list(
        get_user_model().objects.filter(pk__in=user_ids).select_related("streak").order_by("pk")
    )
    messages = []
    for user in learners:
        days = user.streak.current
        title = f"Keep your {days}-day streak"
        context = {"days": days}
        messages.append(
            _message(user=user, subject=title, template="streak_reminder", context=context)
        )
    sent = _send(messages)
    for user in learners:
        _push(
            user=user,
            title=f"Keep your {user.streak.current}-day streak",
            body="A lesson today keeps it going.",
        )
    return sent


# --- Weekly progress ---------------------------------------------------------------------------


def league_week_end(at: datetime) -> datetime:
    """The start of the league week running at `at` (Monday 00:00 UTC), which is when the week
    before it ended."""
    return datetime.combine(week_of(at), time.min, tzinfo=UTC)


def weekly_progress_send(*, at: datetime | None = None) -> dict:
    """The weekly progress email of the league week that ended last (Monday 00:00 UTC), sent on
    the learner's Monday from WEEKLY_PROGRESS_HOUR local, once per learner and week, to
    learners who earned XP in that week (a learner who joined since gets no email about a week
    they were not there for). Learners turn it off with `weekly_progress_email`."""
    at = aware(at)
    week_end = league_week_end(at)
    week_start = week_end - timedelta(days=7)
    monday = week_end.date()
    earned = Exists(
        XpEvent.objects.filter(
            user=OuterRef("pk"), created_at__gte=week_start, created_at__lt=week_end
        )
    )
    names = (
        get_user_model()
        .objects.filter(is_active=True, weekly_progress_email=True)
        .filter(earned)
        .values_list("timezone", flat=True)
        .distinct()
    )
    if LeagueCohort.objects.filter(week_start=week_start.date(), closed_at__isnull=True).exists():
        # The league job may not have run yet this hour: the email needs the week closed.
        league_week_close(at=at)
    due_zones = [
        name
        for name, zone in _zones(names)
        if at >= datetime.combine(monday, time(WEEKLY_PROGRESS_HOUR), tzinfo=zone)
    ]
    if not due_zones:
        return {"week_start": week_start.date().isoformat(), "emails_sent": 0}
    ids = list(
        _mailable(due_zones)
        .filter(weekly_progress_email=True)
        .filter(earned)
        .filter(_not_claimed(kind=ClockNoticeKind.WEEKLY_PROGRESS, period=week_start.date()))
        .values_list("pk", flat=True)
    )
    sent = 0
    if ids:
        run = _claim(
            user_ids=ids, kind=ClockNoticeKind.WEEKLY_PROGRESS, period=week_start.date(), at=at
        )
        for batch in _claimed(run=run):
            sent += _weekly_batch(batch, week_start=week_start, week_end=week_end, at=at)
    return {"week_start": week_start.date().isoformat(), "emails_sent": sent}


def _weekly_batch(
    user_ids: list[int], *, week_start: datetime, week_end: datetime, at: datetime
) -> int:
    learners = (
        get_user_model()
        .objects.filter(pk__in=user_ids)
        .select_related("streak", "learner_stats")
        .annotate(
            week_xp=Subquery(
                XpEvent.objects.filter(
                    user=OuterRef("pk"), created_at__gte=week_start, created_at__lt=week_end
                )
                .values("user")
                .annotate(total=Sum("amount"))
                .values("total")[:1]
            ),
            last_freeze_day=Subquery(
                StreakFreezeUse.objects.filter(user=OuterRef("pk"))
                .values("user")
                .annotate(last=Max("day"))
                .values("last")[:1]
            ),
        )
        .order_by("pk")
    )
    leagues = league_week_results(user_ids=user_ids, week_start=week_start.date())
    messages = []
    for user in learners:
        context = {
            "week_start": week_start.date(),
            "week_end": (week_end - timedelta(days=1)).date(),
            "week_xp": user.week_xp or 0,
            "streak": _streak_now(user, at=at),
            "words_learned": stats.words_learned if (stats := _learner_stats(user)) else 0,
            "league": leagues.get(user.pk),
        }
        messages.append(
            _message(
                user=user,
                subject=f"Your week: {context['week_xp']} XP",
                template="weekly_progress",
                context=context,
            )
        )
    return _send(messages)


def _learner_stats(user) -> LearnerStats | None:
    try:
        return user.learner_stats
    except LearnerStats.DoesNotExist:
        return None


def _streak_now(user, *, at: datetime) -> int:
    """The streak still counted at `at`: kept up yesterday by a lesson or a freeze (with the
    rollover job keeping `current` at 0 for a broken one)."""
    streak = getattr(user, "streak", None)
    if streak is None or not streak.current:
        return 0
    zone = user.zone
    yesterday = at.astimezone(zone).date() - timedelta(days=1)
    last = streak.last_active_date
    if streak.last_active_at is not None:
        last = max(last, streak.last_active_at.astimezone(zone).date())
    if user.last_freeze_day is not None:
        last = max(last, user.last_freeze_day)
    return streak.current if last >= yesterday else 0
