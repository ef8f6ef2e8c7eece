"""A learner's weekly standing, raised by every XP award inside `xp_award`'s transaction.

The first XP of a week puts the learner in a cohort of their league: a place in the first cohort
of that league and week with one free, taken by deleting its `LeagueSeat` row under
`FOR UPDATE SKIP LOCKED`, so learners joining at once never wait for each other's transactions;
or, with no free place left, a new cohort numbered after the last (unique per league and week,
so learners opening one at once open one, the others waiting for it). The unique
(user, week_start) of `LeagueMember` keeps a learner in one cohort a week even when two of their
awards race. Nothing leaves the process before the commit: the live leaderboard and the Redis
ranking hear of an award only once it is committed.
"""

import logging
from collections import Counter
from datetime import UTC, date, datetime
from functools import partial

from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from config.realtime import group_send_background
from config.sql import column, quote, table
from gamification.leagues.models import (
    COHORT_SIZE_MAX,
    LeagueCohort,
    LeagueMember,
    LeagueSeat,
    LearnerLeague,
    WeeklyXp,
    league_moved,
    week_result,
    week_start_of,
)
from gamification.leagues.ranking import ranking_record

logger = logging.getLogger(__name__)

# Joining retries when another learner took the last place or opened the next cohort first.
JOIN_ATTEMPTS = 50


def user_group(user_id: int) -> str:
    """The channel group of one learner's live leaderboards (to hear that they joined a cohort)."""
    return f"league-user-{user_id}"


def cohort_group(cohort_id: int) -> str:
    return f"league-cohort-{cohort_id}"


def week_of(at: datetime) -> date:
    return week_start_of(at.astimezone(UTC).date())


def _weekly_total_raise(*, user, week_start: date, amount: int) -> tuple[bool, int]:
    """Adds to the learner's XP of the week; (whether this is their first XP of the week, the
    new total). The row (its lock once it exists, its unique key before) orders every award of
    the learner in the week, so what follows in the award runs for one of them at a time."""
    table = connection.ops.quote_name(WeeklyXp._meta.db_table)

    def add() -> int | None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET xp = xp + %s WHERE user_id = %s AND week_start = %s "
                f"RETURNING xp",
                [amount, user.pk, connection.ops.adapt_datefield_value(week_start)],
            )
            row = cursor.fetchone()
        return row[0] if row else None

    total = add()
    if total is not None:
        return False, total
    try:
        with transaction.atomic():
            WeeklyXp.objects.create(user=user, week_start=week_start, xp=amount)
    except IntegrityError:
        # Another award of the learner inserted it first (and has committed: the unique key
        # waited for it).
        return False, add()
    return True, amount


def _week_closed(week_start: date) -> bool:
    """Whether the week is over and its close has begun (a late award then joins nothing)."""
    return (
        week_start < week_of(timezone.now())
        and LeagueCohort.objects.filter(week_start=week_start, closed_at__isnull=False).exists()
    )


def _free_place_take(*, league: str, week_start: date) -> int | None:
    """Takes (deletes) the first free place of an open cohort of `league` and the week; its
    cohort's id, or None when none is free. One statement. On PostgreSQL, places that other
    joiners hold in transactions not yet ended are passed over, not waited for (`SKIP LOCKED`:
    they are taken, unless that transaction rolls back), and the cohort's row is held against a
    week close until this transaction ends (`FOR KEY SHARE`, which joiners share): a close under
    way is waited for, and a cohort it closed meanwhile is passed over. The members' foreign keys
    would take that lock only at the commit, being checked there."""
    seat, cohort = LeagueSeat, LeagueCohort
    locks = (
        " FOR UPDATE OF s SKIP LOCKED FOR KEY SHARE OF c"
        if connection.vendor == "postgresql"
        else ""
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table(seat)} WHERE {quote(seat._meta.pk.column)} ="
            f" (SELECT {column(seat, 'id', alias='s')} FROM {table(seat)} s"
            f" INNER JOIN {table(cohort)} c"
            f" ON {column(cohort, 'id', alias='c')} = {column(seat, 'cohort', alias='s')}"
            f" WHERE {column(cohort, 'league', alias='c')} = %s"
            f" AND {column(cohort, 'week_start', alias='c')} = %s"
            f" AND {column(cohort, 'closed_at', alias='c')} IS NULL"
            f" ORDER BY {column(cohort, 'number', alias='c')}, {column(seat, 'id', alias='s')}"
            f" LIMIT 1{locks}) RETURNING {quote(seat._meta.get_field('cohort').column)}",
            [league, connection.ops.adapt_datefield_value(week_start)],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _place_take(*, league: str, week_start: date) -> int | None:
    """A place in a cohort of `league` and the week: a free one of the first cohort with one, or
    else the first of a new cohort; its cohort's id. None when the week was closed meanwhile."""
    for _attempt in range(JOIN_ATTEMPTS):
        # Read before looking for a place: a cohort numbered after `last` and committed by the
        # time of the search is then seen by it (unless full), so opening `last + 1` succeeds
        # only when no later cohort exists, and fails on the unique key (then retries) when
        # another learner is opening it.
        last = LeagueCohort.objects.filter(league=league, week_start=week_start).aggregate(
            last=Max("number")
        )["last"]
        cohort_id = _free_place_take(league=league, week_start=week_start)
        if cohort_id is not None:
            return cohort_id
        if _week_closed(week_start):
            return None  # the close began while this award was on its way
        try:
            with transaction.atomic():
                cohort = LeagueCohort.objects.create(
                    league=league, week_start=week_start, number=(last or 0) + 1
                )
                LeagueSeat.objects.bulk_create(
                    [LeagueSeat(cohort=cohort) for _place in range(COHORT_SIZE_MAX - 1)]
                )
                return cohort.pk
        except IntegrityError:
            continue  # another learner opened that cohort: try to join it
    raise RuntimeError(f"No place found in a {league} cohort after {JOIN_ATTEMPTS} attempts.")


def _join(*, user, week_start: date, amount: int, at: datetime) -> LeagueMember | None:
    """Puts the learner in a cohort; None when the week is already being closed (a late award
    joins nothing). Awards of one learner run one at a time here (see `_weekly_total_raise`), so
    the member's unique key is a safety net that never fires."""
    if _week_closed(week_start):
        return None
    league = LearnerLeague.objects.filter(user=user).values_list("league", flat=True).first()
    if league is None:
        LearnerLeague.objects.bulk_create([LearnerLeague(user=user)], ignore_conflicts=True)
        league = LearnerLeague._meta.get_field("league").default
    league = league_moved(league, _pending_moves(user=user, week_start=week_start))
    cohort_id = _place_take(league=league, week_start=week_start)
    if cohort_id is None:
        return None
    return LeagueMember.objects.create(
        cohort_id=cohort_id,
        user=user,
        week_start=week_start,
        league=league,
        xp=amount,
        reached_at=at,
        joined_at=at,
    )


def members_leave(*, user_ids: list[int]) -> None:
    """Takes these learners out of their cohorts, their places given back to the
    cohorts still open; a cohort left empty goes. One transaction, so a cohort never holds
    more members and free places than COHORT_SIZE_MAX (for `bench_leaderboard_push`, which
    joins its own learners to the week's cohorts)."""
    with transaction.atomic():
        members = LeagueMember.objects.filter(user_id__in=user_ids)
        left = Counter(members.values_list("cohort_id", flat=True))
        members.delete()
        open_ids = set(
            LeagueCohort.objects.filter(pk__in=left, closed_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        LeagueSeat.objects.bulk_create(
            [LeagueSeat(cohort_id=cohort) for cohort in open_ids for _place in range(left[cohort])]
        )
        LeagueCohort.objects.filter(pk__in=left).exclude(members__isnull=False).delete()


def _pending_moves(*, user, week_start: date) -> int:
    """The league moves the learner's earlier weeks will make once closed (weeks end at Monday
    00:00 and the close runs minutes later): a learner starting the new week in that gap joins
    the league they are about to reach. The close moves learners relative to their league then,
    so the two agree. One query when nothing is pending (the common case)."""
    from gamification.leagues.selectors import league_rule_get

    moves = 0
    pending = LeagueMember.objects.filter(
        user=user, week_start__lt=week_start, cohort__closed_at__isnull=True
    ).select_related("cohort")
    for member in pending:
        ahead = (
            LeagueMember.objects.filter(cohort=member.cohort)
            .filter(
                Q(xp__gt=member.xp)
                | Q(xp=member.xp, reached_at__lt=member.reached_at)
                | Q(xp=member.xp, reached_at=member.reached_at, user_id__lt=member.user_id)
            )
            .count()
        )
        size = LeagueMember.objects.filter(cohort=member.cohort).count()
        up, down = league_rule_get(member.cohort.league).zones(size)
        moves += week_result(ahead + 1, up=up, down=down)[1]
    return moves


def _standing_raise(*, user, week_start: date, amount: int, at: datetime) -> tuple[int, int] | None:
    """Adds to the learner's standing of the week in an open cohort; (cohort id, new XP), or None
    without one. One statement (UPDATE ... RETURNING, on PostgreSQL and SQLite alike), so the
    live push that follows the commit reads nothing."""
    member = LeagueMember._meta
    cohort = LeagueCohort._meta
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(member.db_table)} SET xp = xp + %s, reached_at = %s "
            f"WHERE user_id = %s AND week_start = %s AND cohort_id IN "
            f"(SELECT id FROM {quote(cohort.db_table)} WHERE closed_at IS NULL) "
            f"RETURNING cohort_id, xp",
            [
                amount,
                # As the ORM stores them (SQLite keeps naive UTC text), so they sort alike.
                connection.ops.adapt_datetimefield_value(at),
                user.pk,
                connection.ops.adapt_datefield_value(week_start),
            ],
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def league_xp_record(*, user, amount: int, at: datetime) -> None:
    """What an award of `amount` XP at `at` does to the week's standings (called by `xp_award`
    inside its transaction, once per new ledger row). Two queries for a learner already in a
    cohort; a few more for the first XP of the week."""
    week_start = week_of(at)
    first, week_xp = _weekly_total_raise(user=user, week_start=week_start, amount=amount)
    joined = raised = None
    if not user.leaderboard_opt_out:
        if not first:
            raised = _standing_raise(user=user, week_start=week_start, amount=amount, at=at)
        # Not raised after an earlier XP of the week: the learner was opted out then, or the
        # week is closed (then `exists` is true and nothing joins).
        if raised is None and (
            first or not LeagueMember.objects.filter(user=user, week_start=week_start).exists()
        ):
            joined = _join(user=user, week_start=week_start, amount=amount, at=at)
    transaction.on_commit(
        lambda: _after_commit(
            user_id=user.pk,
            week_start=week_start,
            week_xp=week_xp,
            raised=raised,
            at=at,
            joined=joined,
        )
    )


def _after_commit(
    *,
    user_id: int,
    week_start: date,
    week_xp: int,
    raised: tuple[int, int] | None,
    at: datetime,
    joined: LeagueMember | None,
) -> None:
    """The live push, then the Redis ranking (`ZADD GT` of the total this award made: totals
    only grow, so out-of-order writes keep the highest), both off the request's thread."""
    rank = partial(ranking_record, user_id=user_id, week_start=week_start, xp=week_xp)
    if raised is not None:
        standing_push(user_id=user_id, cohort_id=raised[0], xp=raised[1], reached_at=at, then=rank)
    elif joined is not None:
        standings_push(user_id=user_id, week_start=week_start, joined=True, then=rank)
    else:
        group_send_background(sends=[], then=rank)


def standing_push(
    *, user_id: int, cohort_id: int, xp: int, reached_at: datetime, then=None
) -> None:
    """Tells the cohort's live leaderboards one learner's new weekly XP (what most awards do):
    nothing to read, so the message leaves right after the commit; each socket re-ranks its
    standings (`selectors.leaderboard_apply`)."""
    message = {
        "type": "standing.raised",
        "cohort": cohort_id,
        "user": user_id,
        "xp": xp,
        "reached_at": reached_at.isoformat(),
    }
    group_send_background(sends=[(cohort_group(cohort_id), message)], then=then)


def standings_push(*, user_id: int, week_start: date, joined: bool = False, then=None) -> None:
    """Sends the whole standings of the learner's cohort to its live leaderboards (when a learner
    joins: the cohort grows, and the zones with it), and, for a learner who just joined, to
    their own sockets, which then follow the cohort. One query; the send is handed to a
    background loop (`config.realtime.group_send_background`), and the channel layer's
    per-channel capacity drops messages to a socket that does not keep up rather than wait.
    Never raises: a live push is a nicety over the database."""
    from gamification.leagues.selectors import leaderboard_json, leaderboard_of

    try:
        cohort_id, body, reached = leaderboard_of(user_id=user_id, week_start=week_start)
    except Exception:
        logger.warning(
            "Live leaderboard not pushed: its standings could not be read.", exc_info=True
        )
        group_send_background(sends=[], then=then)
        return
    if cohort_id is None:
        group_send_background(sends=[], then=then)
        return
    message = {
        "type": "standings.push",
        "cohort": cohort_id,
        "standings": leaderboard_json(body),
        "reached": reached,
    }
    sends = [(cohort_group(cohort_id), message)]
    if joined:
        sends.append((user_group(user_id), message))
    group_send_background(sends=sends, then=then)
