"""The league week close: ranks, promotions and demotions by the rule table for every league and
rank boundary, the podium's gems and achievements, promotions in followers' feeds, catch-up of
missed weeks, idempotence; the job, its beat row and `league_week_result`."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from config.jobs import job_get, job_run
from gamification.leagues.models import (
    LEAGUES,
    LeagueCohort,
    LeagueMember,
    LeagueRule,
    LearnerLeague,
    league_moved,
)
from gamification.leagues.selectors import league_week_result
from gamification.leagues.services import league_week_close
from gamification.models import GemTransaction, LearnerStats, UnlockedTier
from gamification.services import xp_award
from social.models import FeedEvent
from tests.accounts.factories import UserFactory
from tests.gamification.cohorts import cohort_places
from tests.social.factories import FollowFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 12, 12, tzinfo=UTC)
WEEK = date(2025, 3, 10)
NEXT_MONDAY = datetime(2025, 3, 17, tzinfo=UTC)


def cohort_of(league: str, size: int) -> list:
    """`size` learners of `league` whose week's XP puts them in rank order (first: most XP)."""
    learners = UserFactory.create_batch(size)
    LearnerLeague.objects.bulk_create(LearnerLeague(user=u, league=league) for u in learners)
    for rank, learner in enumerate(learners, start=1):
        xp_award(
            user=learner, amount=1000 - rank, source="bonus", source_id=f"{league}{rank}", at=NOW
        )
    return learners


def leagues_of(learners) -> list[str]:
    found = dict(LearnerLeague.objects.values_list("user_id", "league"))
    return [found[learner.pk] for learner in learners]


@pytest.mark.parametrize("league", LEAGUES)
def test_a_full_cohort_closes_by_its_rule_in_every_league_twice(league):
    learners = cohort_of(league, 30)
    rule = LeagueRule.objects.get(league=league)
    up, down = rule.zones(30)

    first = league_week_close(at=NEXT_MONDAY)
    second = league_week_close(at=NEXT_MONDAY)

    expected = []
    for rank in range(1, 31):
        if up is not None and rank <= up:
            expected.append(("promoted", league_moved(league, 1)))
        elif down is not None and rank >= down:
            expected.append(("demoted", league_moved(league, -1)))
        else:
            expected.append(("stayed", league))
    members = dict(LeagueMember.objects.values_list("user_id", "result"))
    assert [(members[u.pk], lg) for u, lg in zip(learners, leagues_of(learners), strict=True)] == (
        expected
    )
    assert [m.rank for m in LeagueMember.objects.order_by("rank")] == list(range(1, 31))
    assert first["cohorts_closed"] == 1
    assert second["cohorts_closed"] == 0
    promoted = 0 if league == "diamond" else rule.promote_count
    demoted = 0 if league == "bronze" else rule.demote_count
    assert (first["promoted"], first["demoted"]) == (promoted, demoted)


@pytest.mark.parametrize(
    ("league", "rank", "result"),
    [
        ("bronze", 10, "promoted"),
        ("bronze", 11, "stayed"),
        ("bronze", 30, "stayed"),
        ("silver", 10, "promoted"),
        ("silver", 11, "stayed"),
        ("silver", 25, "stayed"),
        ("silver", 26, "demoted"),
        ("ruby", 7, "promoted"),
        ("ruby", 8, "stayed"),
        ("pearl", 5, "promoted"),
        ("pearl", 6, "stayed"),
        ("diamond", 1, "stayed"),
        ("diamond", 25, "stayed"),
        ("diamond", 26, "demoted"),
    ],
)
def test_each_rank_boundary(league, rank, result):
    learners = cohort_of(league, 30)

    league_week_close(at=NEXT_MONDAY)

    assert league_week_result(user=learners[rank - 1], week_start=WEEK) == {
        "league": league,
        "rank": rank,
        "result": result,
        "xp": 1000 - rank,
    }


def test_an_editor_changed_rule_applies_at_the_next_close():
    # 8 of a full 30 down: 1 of these 4.
    LeagueRule.objects.filter(league="gold").update(promote_count=2, demote_count=8)
    learners = cohort_of("gold", 4)

    league_week_close(at=NEXT_MONDAY)

    assert leagues_of(learners) == ["sapphire", "sapphire", "gold", "silver"]


def test_a_learner_with_no_xp_that_week_keeps_their_league():
    idle = UserFactory()
    LearnerLeague.objects.create(user=idle, league="emerald")
    cohort_of("emerald", 3)

    league_week_close(at=NEXT_MONDAY)

    assert LearnerLeague.objects.get(user=idle).league == "emerald"
    assert league_week_result(user=idle, week_start=WEEK) is None


def test_the_podium_is_paid_once_and_counts_for_achievements():
    learners = cohort_of("gold", 5)

    league_week_close(at=NEXT_MONDAY)
    league_week_close(at=NEXT_MONDAY + timedelta(hours=1))

    paid = {
        row.wallet_id: row.amount
        for row in GemTransaction.objects.filter(source="league_week", source_id=WEEK.isoformat())
    }
    assert paid == {learners[0].pk: 25, learners[1].pk: 20, learners[2].pk: 15}
    finishes = dict(LearnerStats.objects.values_list("user_id", "league_finishes"))
    assert [finishes.get(learner.pk) for learner in learners] == [1, 1, 1, 0, 0]
    champion = UnlockedTier.objects.filter(tier__achievement__slug="champion")
    assert sorted(champion.values_list("user_id", flat=True)) == sorted(u.pk for u in learners[:3])


def test_promotions_appear_in_followers_feeds_once():
    (stays,) = cohort_of("diamond", 1)  # first, but nowhere higher to go
    (promoted,) = cohort_of("amethyst", 1)
    follow = FollowFactory(followee=promoted)

    league_week_close(at=NEXT_MONDAY)
    league_week_close(at=NEXT_MONDAY)

    (event,) = FeedEvent.objects.filter(kind="league_promoted")
    assert event.actor == promoted
    assert event.data == {
        "league": "pearl",
        "from": "amethyst",
        "rank": 1,
        "week_start": "2025-03-10",
    }
    assert event.created_at == NEXT_MONDAY
    client = APIClient()
    client.force_authenticate(follow.follower)
    kinds = [item["kind"] for item in client.get("/api/v1/feed/").json()["results"]]
    assert "league_promoted" in kinds
    assert LearnerLeague.objects.get(user=stays).league == "diamond"


def test_a_week_is_closed_only_once_it_has_ended():
    cohort_of("bronze", 2)

    assert league_week_close(at=NEXT_MONDAY - timedelta(seconds=1))["cohorts_closed"] == 0
    assert not LeagueCohort.objects.filter(closed_at__isnull=False).exists()
    assert league_week_close(at=NEXT_MONDAY)["cohorts_closed"] == 1


def test_a_closed_cohort_keeps_no_free_places():
    cohort_of("bronze", 2)

    league_week_close(at=NEXT_MONDAY)

    assert cohort_places() == {("bronze", 1): (2, 0)}


def test_missed_weeks_are_caught_up_in_order_and_their_moves_add_up():
    (learner,) = cohort_of("silver", 1)
    # The second week starts before the first is closed: it joins the league it is about to
    # reach (gold), and the close of both weeks then makes it sapphire.
    xp_award(user=learner, amount=5, source="bonus", source_id="w2", at=NOW + timedelta(days=7))

    summary = league_week_close(at=NEXT_MONDAY + timedelta(days=7, hours=3))

    assert summary["cohorts_closed"] == 2
    weeks = LeagueMember.objects.filter(user=learner).order_by("week_start")
    assert [(m.league, m.result) for m in weeks] == [("silver", "promoted"), ("gold", "promoted")]
    assert LearnerLeague.objects.get(user=learner).league == "sapphire"


def test_a_demoted_learner_starting_the_next_week_early_joins_the_lower_league():
    learners = cohort_of("ruby", 30)
    last = learners[-1]
    xp_award(user=last, amount=5, source="bonus", source_id="w2", at=NOW + timedelta(days=7))

    league_week_close(at=NEXT_MONDAY)

    assert LeagueMember.objects.get(user=last, week_start=WEEK + timedelta(7)).league == "sapphire"
    assert LearnerLeague.objects.get(user=last).league == "sapphire"


def test_league_week_result_is_none_until_the_week_is_closed():
    (learner,) = cohort_of("bronze", 1)

    assert league_week_result(user=learner, week_start=WEEK) is None
    league_week_close(at=NEXT_MONDAY)

    assert league_week_result(user=learner, week_start=WEEK + timedelta(days=3)) == {
        "league": "bronze",
        "rank": 1,
        "result": "promoted",
        "xp": 999,
    }
    assert league_week_result(user=learner, week_start=NEXT_MONDAY - timedelta(days=1))


def test_the_job_is_registered_and_runs_by_name():
    cohort_of("bronze", 2)

    assert job_get("league_week_close").name == "league_week_close"
    summary = job_run("league_week_close", at=NEXT_MONDAY)

    assert summary["cohorts_closed"] == 1
    json.dumps(summary)


def test_the_beat_row_runs_the_job_hourly_through_the_common_task():
    task = PeriodicTask.objects.get(name="gamification: league week close")

    assert task.task == "config.tasks.job_run_task"
    assert json.loads(task.args) == ["league_week_close"]
    assert (task.crontab.minute, task.crontab.hour, str(task.crontab.timezone)) == ("5", "*", "UTC")


def test_the_close_costs_a_bounded_number_of_queries_per_cohort(django_assert_max_num_queries):
    cohort_of("silver", 30)
    # A cohort (30 at most) costs: its lock, members, rule, the leagues' rows, two bulk updates;
    # the podium's gems, counters and achievements (three learners, each unlocking a few tiers
    # here); a feed row per promoted learner. Measured 151.
    with django_assert_max_num_queries(160):
        league_week_close(at=NEXT_MONDAY)
