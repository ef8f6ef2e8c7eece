"""Reads of leagues: the leaderboard (the body of `GET leaderboard/` and of every WebSocket
push), a learner's history and percentile, a closed week's result, the profile's league."""

from datetime import UTC, date, datetime, time, timedelta
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
    start = datetime.combine(week_start, time.min, tzinfo=UTC)
    return start, start + timedelta(days=7)


def league_rule_get(league: str) -> LeagueRule:
    """The league's row of the rule table, or the default when an editor removed it."""
    return LeagueRule.objects.filter(league=league).first() or league_rule_default(league)


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


def cohort_standings(*, cohort: LeagueCohort) -> dict[str, Any]:
    """The cohort's leaderboard: members by XP, ties to whoever reached it first; three queries
    whatever the cohort (at most 30 members)."""
    members = list(
        LeagueMember.objects.filter(cohort=cohort)
        .select_related("user")
        .only("xp", "reached_at", "rank", "user__username", "user__display_name")
        .order_by("-xp", "reached_at", "id")
    )
    up, down = league_rule_get(cohort.league).zones(len(members))
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


def league_cohort_of(*, user, week_start: date) -> LeagueCohort | None:
    return LeagueCohort.objects.filter(members__user=user, members__week_start=week_start).first()


def leaderboard_get(*, user, at: datetime | None = None) -> dict[str, Any]:
    """The body of `GET leaderboard/` for the week of `at` (now when None): the learner's cohort,
    or `league` None and no standings before their first XP of the week."""
    week_start = week_of(aware(at))
    cohort = league_cohort_of(user=user, week_start=week_start)
    if cohort is None:
        return _empty_leaderboard(week_start)
    return cohort_standings(cohort=cohort)


def leaderboard_json(body: dict[str, Any]) -> dict[str, Any]:
    """The leaderboard as JSON values (what the WebSocket and the channel layer carry)."""
    from gamification.leagues.serializers import LeaderboardOutputSerializer

    return LeaderboardOutputSerializer(body).data


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
    member = (
        LeagueMember.objects.filter(user=user, week_start=week_start)
        .exclude(result="")
        .values("league", "rank", "result", "xp")
        .first()
    )
    return member


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
