"""Writes of leagues: the week close (the `league_week_close` job), and, re-exported, what an XP
award does to the week's standings (`league_xp_record`, in `membership`)."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from config.timeutils import aware
from gamification.leagues.membership import league_xp_record, week_of
from gamification.leagues.models import (
    League,
    LeagueCohort,
    LeagueMember,
    LeagueSeat,
    LearnerLeague,
    WeekResult,
    league_moved,
    week_result,
)
from gamification.leagues.ranking import ranking_rebuild
from gamification.leagues.selectors import league_rule_get, week_bounds
from gamification.rewards import achievements_check
from gamification.services import gems_grant, league_finish_record
from social.models import FeedEventKind
from social.services import feed_event_record

__all__ = ["league_week_close", "league_xp_record"]

# What the podium's gems are paid as (with the week as the source id: paid once a week).
PODIUM_SOURCE = "league_week"
PODIUM_PLACES = 3


def _cohort_close(*, cohort_id: int, at: datetime) -> dict[str, int] | None:
    """Closes one cohort in one transaction; None when it was closed already (by an earlier run,
    or by another worker that held its lock first: the lock's re-check then finds it closed)."""
    with transaction.atomic():
        cohort = (
            LeagueCohort.objects.select_for_update()
            .filter(pk=cohort_id, closed_at__isnull=True)
            .first()
        )
        if cohort is None:
            return None
        members = list(
            LeagueMember.objects.filter(cohort=cohort)
            .select_related("user")
            .order_by("-xp", "reached_at", "user_id")
        )
        rule = league_rule_get(cohort.league)
        up, down = rule.zones(len(members))
        # In user id order, so closes of two weeks (a catch-up on two workers) never deadlock.
        leagues = {
            row.user_id: row
            for row in LearnerLeague.objects.select_for_update()
            .filter(user_id__in=[member.user_id for member in members])
            .order_by("user_id")
        }
        moved, promoted = [], []
        for rank, member in enumerate(members, start=1):
            member.rank = rank
            member.result, step = week_result(rank, up=up, down=down)
            row = leagues.get(member.user_id)
            if row is None:  # removed by hand since the learner joined
                row = LearnerLeague.objects.create(user_id=member.user_id, league=cohort.league)
            if step:
                # A move relative to where the learner is now: when a missed week is caught up
                # after a later one started, both weeks' moves count.
                row.league = league_moved(row.league, step)
                moved.append(row)
                if step > 0:
                    promoted.append((member, row.league))
        LeagueMember.objects.bulk_update(members, ["rank", "result"])
        LearnerLeague.objects.bulk_update(moved, ["league"])
        cohort.closed_at = at
        cohort.save(update_fields=["closed_at"])

        _, week_end = week_bounds(cohort.week_start)
        for member in members[:PODIUM_PLACES]:
            gems = rule.podium_gems(member.rank)
            if gems:
                gems_grant(
                    user=member.user,
                    amount=gems,
                    reason=f"{League(cohort.league).label} league, week of "
                    f"{cohort.week_start.isoformat()}: place {member.rank}",
                    source=PODIUM_SOURCE,
                    source_id=cohort.week_start.isoformat(),
                )
            # The cohort closes once (its lock and closed_at above), so each finish counts once.
            league_finish_record(user=member.user)
            achievements_check(user=member.user, at=week_end)
        for member, league in promoted:
            feed_event_record(
                actor=member.user,
                kind=FeedEventKind.LEAGUE_PROMOTED,
                data={
                    "league": league,
                    "from": cohort.league,
                    "rank": member.rank,
                    "week_start": cohort.week_start.isoformat(),
                },
                at=week_end,
            )
    return {
        "members": len(members),
        "promoted": len(promoted),
        "demoted": sum(member.result == WeekResult.DEMOTED for member in members),
    }


def league_week_close(*, at: datetime) -> dict[str, Any]:
    """Closes every cohort of every week that ended at or before `at` and is not closed yet (so a
    missed run is caught up by the next), each in its own transaction: ranks, results, leagues
    moved by the rule table, the podium's gems and achievements, promotions in followers' feeds.
    Running it again changes nothing; two runs at once close each cohort once. Not to be called
    inside a transaction (see the free places' sweep below).

    It also refreshes this week's Redis ranking from PostgreSQL (see `ranking`), so that writes
    lost while Redis was unreachable are caught up within the hour."""
    at = aware(at)
    cohort_ids = list(
        LeagueCohort.objects.filter(week_start__lt=week_of(at), closed_at__isnull=True)
        .order_by("week_start", "id")
        .values_list("id", flat=True)
    )
    summary = {"cohorts_closed": 0, "members": 0, "promoted": 0, "demoted": 0}
    for cohort_id in cohort_ids:
        closed = _cohort_close(cohort_id=cohort_id, at=at)
        if closed is not None:
            summary["cohorts_closed"] += 1
            for name in ("members", "promoted", "demoted"):
                summary[name] += closed[name]
    # The places closed cohorts left free will never be taken: gone, in a statement of its own,
    # which also sweeps what an interrupted run left. Inside a close's transaction it would
    # deadlock with a joiner that has locked a place and waits for that close to let go of the
    # cohort (`membership._free_place_take`, which then passes the closed cohort over), which is
    # why this job must not run inside an outer transaction.
    LeagueSeat.objects.filter(cohort__closed_at__isnull=False).delete()
    summary["ranking_rebuilt"] = ranking_rebuild(week_start=week_of(timezone.now()))
    return summary
