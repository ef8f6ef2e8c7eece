"""Reads of leagues: the leaderboard (the body of `GET leaderboard/` and of every WebSocket
push), a learner's history and percentile, a closed week's result, the profile's league."""

import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from typing import Any

from django.db.models import Count, Q

from config.timeutils import aware
from gamification.leagues.membership import week_of
from gamification.leagues.models import (
    LeagueCohort,
    LeagueMember,
    LeagueRule,
    LearnerLeague,
    WeeklyXp,
    league_rule_default,
    week_start_of,
)
from gamification.leagues.ranking import ranking_count_below


def week_bounds(week_start: date) -> tuple[datetime, datetime]:
    """The week's first instant and the first instant after it, in UTC."""
    start = datetime.combine(week_start, day_time.min, tzinfo=UTC)
    return start, start + timedelta(days=7)


def league_rule_get(league: str) -> LeagueRule:
    """The league's row of the rule table, or the default when an editor removed it."""
    return LeagueRule.objects.filter(league=league).first() or league_rule_default(league)


# The zones a leaderboard shows come from rules read at most this long ago (the rule table is
# ten rows edited a few times a year; the week close always reads them afresh).
RULES_CACHE_SECONDS = 60.0
_rules_cache: dict[str, Any] = {"read_at": None, "rules": {}}


def league_rule_cached(league: str) -> LeagueRule:
    now = time.monotonic()
    read_at = _rules_cache["read_at"]
    if read_at is None or now - read_at > RULES_CACHE_SECONDS:
        _rules_cache["rules"] = {rule.league: rule for rule in LeagueRule.objects.all()}
        _rules_cache["read_at"] = now
    return _rules_cache["rules"].get(league) or league_rule_default(league)


def league_rules_forget() -> None:
    """Drops the cached rules (after an edit, and between tests)."""
    _rules_cache["read_at"] = None


def _empty_leaderboard(week_start: date) -> dict[str, Any]:
    start, end = week_bounds(week_start)
    return {
        "league": None,
        "week_start": start,
        "week_end": end,
        "standings": [],
        "promote_up_to": None,
        "demote_from": None,
    }


def _standings_members():
    return (
        LeagueMember.objects.select_related("user", "cohort")
        .only(
            "xp",
            "reached_at",
            "cohort__league",
            "cohort__week_start",
            "user__username",
            "user__display_name",
        )
        .order_by("-xp", "reached_at", "user_id")
    )


def _leaderboard(cohort: LeagueCohort, members: list[LeagueMember]) -> dict[str, Any]:
    up, down = league_rule_cached(cohort.league).zones(len(members))
    start, end = week_bounds(cohort.week_start)
    return {
        "league": cohort.league,
        "week_start": start,
        "week_end": end,
        "standings": [
            {
                "user": member.user_id,
                "username": member.user.username,
                "display_name": member.user.display_name,
                "xp": member.xp,
                "rank": rank,
            }
            for rank, member in enumerate(members, start=1)
        ],
        "promote_up_to": up,
        "demote_from": down,
    }


def cohort_standings(*, cohort: LeagueCohort) -> dict[str, Any]:
    """The cohort's leaderboard: members by XP, ties to whoever reached it first."""
    return _leaderboard(cohort, list(_standings_members().filter(cohort=cohort)))


def leaderboard_of(
    *, user_id: int, week_start: date
) -> tuple[int | None, dict[str, Any], dict[str, str]]:
    """(cohort id, leaderboard, when each member reached their XP) of the learner's week, in one
    query (the rules are cached): what every page view, socket connect and full push reads.
    (None, empty, {}) without a cohort. The times, keyed by user id as text, let a live
    leaderboard re-rank after a single learner's new XP (`leaderboard_apply`); clients never
    see them."""
    members = list(
        _standings_members().filter(
            cohort__members__user_id=user_id, cohort__members__week_start=week_start
        )
    )
    if not members:
        return None, _empty_leaderboard(week_start), {}
    cohort = members[0].cohort
    reached = {str(member.user_id): member.reached_at.isoformat() for member in members}
    return cohort.pk, _leaderboard(cohort, members), reached


def leaderboard_apply(
    body: dict[str, Any], reached: dict[str, str], *, user: int, xp: int, reached_at: str
) -> tuple[dict[str, Any], dict[str, str]] | None:
    """The leaderboard (JSON values, as `leaderboard_json`) after `user`'s weekly XP became `xp`,
    ranked as the database ranks it: XP down, then who reached it first, then user id. The same
    leaderboard when the news is not newer than what it shows (a week's XP only grows, so a late
    or repeated message changes nothing); None when `user` is not in it (read it afresh)."""
    rows = [dict(row) for row in body["standings"]]
    mine = next((row for row in rows if row["user"] == user), None)
    if mine is None:
        return None
    if xp <= mine["xp"]:
        return body, reached
    mine["xp"] = xp
    reached = {**reached, str(user): reached_at}
    rows.sort(
        key=lambda row: (
            -row["xp"],
            datetime.fromisoformat(reached.get(str(row["user"]), reached_at)),
            row["user"],
        )
    )
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return {**body, "standings": rows}, reached


def league_cohort_of(*, user, week_start: date) -> LeagueCohort | None:
    return LeagueCohort.objects.filter(members__user=user, members__week_start=week_start).first()


def leaderboard_get(*, user, at: datetime | None = None) -> dict[str, Any]:
    """The body of `GET leaderboard/` for the week of `at` (now when None): the learner's cohort,
    or `league` None and no standings before their first XP of the week."""
    return leaderboard_of(user_id=user.pk, week_start=week_of(aware(at)))[1]


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def leaderboard_json(body: dict[str, Any]) -> dict[str, Any]:
    """The leaderboard as JSON values, as the API renders it (what the WebSocket and the channel
    layer carry): built by hand, as it is on every live push."""
    return {**body, "week_start": _iso(body["week_start"]), "week_end": _iso(body["week_end"])}


def league_history(*, user):
    """The learner's closed weeks, newest first: {week_start, league, rank, result, xp}."""
    return LeagueMember.objects.filter(user=user).exclude(result="").order_by("-week_start")


def league_week_result(*, user, week_start: date | datetime) -> dict[str, Any] | None:
    """{league, rank, result, xp} of the learner's week of `week_start` (any day or instant of it
    works) once it is closed; None when they were in no cohort or it is not closed yet."""
    if isinstance(week_start, datetime):
        week_start = week_of(aware(week_start))
    else:
        week_start = week_start_of(week_start)
    return league_week_results(user_ids=[user.pk], week_start=week_start).get(user.pk)


def league_week_results(*, user_ids, week_start: date) -> dict[int, dict[str, Any]]:
    """`league_week_result` for many learners in one query, by learner id; `week_start` is the
    week's Monday. A learner in no cohort, or whose week is not closed yet, is missing."""
    rows = (
        LeagueMember.objects.filter(user_id__in=user_ids, week_start=week_start)
        .exclude(result="")
        .values("user_id", "league", "rank", "result", "xp")
    )
    return {row.pop("user_id"): row for row in rows}


def percentile_get(*, user, at: datetime | None = None) -> dict[str, Any]:
    """{week_xp, percentile}: the share (0 to 100) of the other learners active this week (any
    XP) that the learner is strictly ahead of. Counted in Redis in O(log n); from PostgreSQL (one
    indexed count) when Redis cannot answer. The learner's own XP is always PostgreSQL's."""
    week_start = week_of(aware(at))
    week_xp = (
        WeeklyXp.objects.filter(user=user, week_start=week_start)
        .values_list("xp", flat=True)
        .first()
        or 0
    )
    counted = ranking_count_below(week_start=week_start, xp=week_xp)
    if counted is None:
        counted = tuple(
            WeeklyXp.objects.filter(week_start=week_start, xp__gt=0)
            .aggregate(below=Count("pk", filter=Q(xp__lt=week_xp)), total=Count("pk"))
            .values()
        )
    below, total = counted
    others = total - (1 if week_xp > 0 else 0)
    percentile = round(100 * below / others, 1) if others > 0 else 0.0
    return {"week_xp": week_xp, "percentile": min(100.0, percentile)}


def profile_league(*, users) -> dict[int, dict[str, Any]]:
    """The league of each user who ever joined one (others keep the profile's null), in one
    query whatever the number of users."""
    rows = LearnerLeague.objects.filter(user_id__in=[user.pk for user in users])
    return {
        user_id: {"league": league} for user_id, league in rows.values_list("user_id", "league")
    }


def leagues_export(*, user) -> dict[str, Any]:
    """What leagues hold about the learner, for `me/export/` (within gamification's export)."""
    league = LearnerLeague.objects.filter(user=user).values_list("league", flat=True).first()
    return {
        "league": league,
        "league_weeks": [
            {
                "week_start": row.week_start.isoformat(),
                "league": row.league,
                "xp": row.xp,
                "reached_at": row.reached_at.isoformat(),
                "joined_at": row.joined_at.isoformat(),
                "rank": row.rank,
                "result": row.result or None,
            }
            for row in LeagueMember.objects.filter(user=user).order_by("week_start")
        ],
        "weekly_xp": [
            {"week_start": week_start.isoformat(), "xp": xp}
            for week_start, xp in WeeklyXp.objects.filter(user=user)
            .order_by("week_start")
            .values_list("week_start", "xp")
        ],
    }
