"""Weekly leagues: joining a cohort with the week's first XP, standings, the leaderboard API,
history, the percentile (Redis and PostgreSQL), the profile's league."""

import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from config import redis_settings
from config.realtime import publisher_flush
from gamification.leagues import ranking
from gamification.leagues.membership import members_leave
from gamification.leagues.models import (
    COHORT_SIZE_MAX,
    LeagueCohort,
    LeagueMember,
    LeagueRule,
    LearnerLeague,
    WeeklyXp,
    league_moved,
)
from gamification.leagues.selectors import leaderboard_get, percentile_get
from gamification.leagues.services import league_week_close
from gamification.services import xp_award
from social.registry import profile_fields
from tests.accounts.factories import UserFactory
from tests.gamification.cohorts import cohort_places

pytestmark = pytest.mark.django_db

# A Wednesday; its week starts on Monday 2025-03-10.
NOW = datetime(2025, 3, 12, 12, tzinfo=UTC)
WEEK = date(2025, 3, 10)
DOWN = "redis://127.0.0.1:6390/0"


def award(user, amount=10, *, at=NOW, source_id=None):
    award.count += 1
    return xp_award(
        user=user, amount=amount, source="bonus", source_id=source_id or award.count, at=at
    )


award.count = 0


def test_leagues_are_ten_in_order_and_moves_stay_within_them():
    assert [rule.league for rule in LeagueRule.objects.order_by("pk")]  # seeded
    assert LeagueRule.objects.count() == 10
    assert league_moved("bronze", -1) == "bronze"
    assert league_moved("bronze", 1) == "silver"
    assert league_moved("obsidian", 1) == "diamond"
    assert league_moved("diamond", 1) == "diamond"


def test_the_first_xp_of_the_week_joins_a_bronze_cohort(user):
    assert leaderboard_get(user=user, at=NOW)["league"] is None

    award(user, 15)
    award(user, 5)

    member = LeagueMember.objects.get(user=user)
    assert (member.week_start, member.league, member.xp) == (WEEK, "bronze", 20)
    # One place taken, the others free.
    assert member.cohort.members.count() == 1
    assert member.cohort.seats.count() == COHORT_SIZE_MAX - 1
    assert LearnerLeague.objects.get(user=user).league == "bronze"
    assert WeeklyXp.objects.get(user=user).xp == 20


def test_a_learner_joins_the_cohort_of_their_current_league(user):
    LearnerLeague.objects.create(user=user, league="ruby")

    award(user)

    assert LeagueMember.objects.get(user=user).cohort.league == "ruby"


def test_the_next_week_is_a_new_cohort_and_the_weeks_xp_starts_again(user):
    award(user, 10)
    award(user, 7, at=NOW + timedelta(days=7))

    rows = LeagueMember.objects.filter(user=user).order_by("week_start")
    assert [(row.week_start, row.xp) for row in rows] == [(WEEK, 10), (WEEK + timedelta(7), 7)]


def test_a_week_starts_on_monday_midnight_utc(user):
    sunday_night = datetime(2025, 3, 16, 23, 59, 59, tzinfo=UTC)
    award(user, at=sunday_night)
    award(user, at=sunday_night + timedelta(seconds=1))

    assert sorted(LeagueMember.objects.values_list("week_start", flat=True)) == [
        WEEK,
        date(2025, 3, 17),
    ]


def test_a_cohort_holds_at_most_30_and_the_next_learner_opens_another():
    learners = UserFactory.create_batch(COHORT_SIZE_MAX + 1)
    for learner in learners:
        award(learner)

    cohorts = list(LeagueCohort.objects.order_by("number"))
    assert cohort_places() == {
        ("bronze", 1): (COHORT_SIZE_MAX, 0),
        ("bronze", 2): (1, COHORT_SIZE_MAX - 1),
    }
    assert LeagueMember.objects.get(user=learners[-1]).cohort == cohorts[1]


def test_leagues_fill_their_own_cohorts(user):
    other = UserFactory()
    LearnerLeague.objects.create(user=other, league="gold")

    award(user)
    award(other)

    assert cohort_places() == {
        ("bronze", 1): (1, COHORT_SIZE_MAX - 1),
        ("gold", 1): (1, COHORT_SIZE_MAX - 1),
    }


def test_learners_who_leave_give_their_places_back_and_an_empty_cohort_goes(user):
    leaving = UserFactory.create_batch(2)
    alone = UserFactory()
    LearnerLeague.objects.create(user=alone, league="gold")
    for learner in [user, *leaving, alone]:
        award(learner)

    members_leave(user_ids=[learner.pk for learner in [*leaving, alone]])

    assert cohort_places() == {("bronze", 1): (1, COHORT_SIZE_MAX - 1)}
    assert list(LeagueMember.objects.values_list("user", flat=True)) == [user.pk]


def test_an_opted_out_learner_earns_xp_but_joins_no_cohort():
    hidden = UserFactory(leaderboard_opt_out=True)

    assert award(hidden, 30) is not None

    assert not LeagueMember.objects.exists()
    assert WeeklyXp.objects.get(user=hidden).xp == 30
    assert leaderboard_get(user=hidden, at=NOW)["league"] is None


def test_a_learner_who_opts_back_in_joins_with_their_next_xp():
    learner = UserFactory(leaderboard_opt_out=True)
    award(learner, 30)
    learner.leaderboard_opt_out = False
    learner.save()

    award(learner, 5)

    assert LeagueMember.objects.get(user=learner).xp == 5


def test_a_repeated_award_raises_nothing():
    learner = UserFactory()
    award(learner, 10, source_id="same")
    award(learner, 10, source_id="same")

    assert LeagueMember.objects.get(user=learner).xp == 10
    assert WeeklyXp.objects.get(user=learner).xp == 10


def test_a_late_award_for_a_closed_week_changes_no_standing():
    learner, late = UserFactory.create_batch(2)
    award(learner, 10)
    league_week_close(at=NOW + timedelta(days=7))

    award(learner, 5)
    award(late, 5)

    assert LeagueMember.objects.get(user=learner).xp == 10
    assert not LeagueMember.objects.filter(user=late).exists()


def test_standings_rank_by_xp_with_ties_to_whoever_got_there_first():
    first, second, third = UserFactory.create_batch(3)
    award(second, 20, at=NOW)
    award(first, 30, at=NOW + timedelta(minutes=1))
    award(third, 10, at=NOW + timedelta(minutes=2))
    award(third, 10, at=NOW + timedelta(minutes=3))  # 20, reached after `second`

    board = leaderboard_get(user=third, at=NOW)

    assert [(row["username"], row["xp"], row["rank"]) for row in board["standings"]] == [
        (first.username, 30, 1),
        (second.username, 20, 2),
        (third.username, 20, 3),
    ]
    assert board["league"] == "bronze"
    assert board["week_start"] == datetime(2025, 3, 10, tzinfo=UTC)
    assert board["week_end"] == datetime(2025, 3, 17, tzinfo=UTC)
    # Bronze: the top 10 go up (all three here), nobody goes down.
    assert (board["promote_up_to"], board["demote_from"]) == (3, None)


@pytest.mark.parametrize(
    ("league", "size", "zones"),
    [
        ("bronze", 30, (10, None)),
        ("silver", 30, (10, 26)),
        ("sapphire", 30, (7, 26)),
        ("amethyst", 30, (5, 26)),
        ("diamond", 30, (None, 26)),
        # Smaller cohorts: the promotion places stay, the demotion places shrink in proportion.
        ("silver", 12, (10, 11)),
        ("silver", 11, (10, 11)),
        ("silver", 10, (10, None)),
        ("diamond", 12, (None, 11)),
        ("diamond", 6, (None, 6)),
        ("diamond", 5, (None, None)),
        ("diamond", 1, (None, None)),
    ],
)
def test_the_zones_follow_the_rule_table(league, size, zones):
    assert LeagueRule.objects.get(league=league).zones(size) == zones


def test_get_leaderboard_answers_the_api_shape(auth_client, user):
    empty = auth_client.get("/api/v1/leaderboard/")
    assert empty.status_code == 200
    assert empty.json()["league"] is None
    assert empty.json()["standings"] == []
    assert empty.json()["week_start"].endswith("T00:00:00Z")

    award(user, 12, at=timezone.now())
    body = auth_client.get("/api/v1/leaderboard/").json()

    assert set(body) == {
        "league",
        "week_start",
        "week_end",
        "standings",
        "promote_up_to",
        "demote_from",
    }
    assert body["standings"] == [
        {
            "user": user.pk,
            "username": user.username,
            "display_name": user.display_name,
            "xp": 12,
            "rank": 1,
        }
    ]


def test_the_leaderboard_costs_the_same_queries_for_1_or_30_members(
    auth_client, user, django_assert_max_num_queries
):
    at = timezone.now()
    award(user, at=at)
    with django_assert_max_num_queries(4) as one:
        auth_client.get("/api/v1/leaderboard/")
    for learner in UserFactory.create_batch(COHORT_SIZE_MAX - 1):
        award(learner, at=at)

    with django_assert_max_num_queries(len(one.captured_queries)):
        body = auth_client.get("/api/v1/leaderboard/").json()
    assert len(body["standings"]) == COHORT_SIZE_MAX


def test_history_lists_closed_weeks_newest_first(auth_client, user, django_assert_max_num_queries):
    award(user, 10, at=NOW)
    award(user, 10, at=NOW + timedelta(days=7))
    award(user, 10, at=NOW + timedelta(days=14))  # still open: not in the history
    league_week_close(at=NOW + timedelta(days=14))

    with django_assert_max_num_queries(2):
        rows = auth_client.get("/api/v1/leaderboard/history/").json()

    assert rows == [
        {"week_start": "2025-03-17", "league": "silver", "rank": 1, "result": "promoted", "xp": 10},
        {"week_start": "2025-03-10", "league": "bronze", "rank": 1, "result": "promoted", "xp": 10},
    ]


def test_a_profile_shows_the_league_of_learners_who_joined_one(user):
    never = UserFactory()
    LearnerLeague.objects.create(user=user, league="pearl")

    fields = profile_fields(users=[user, never])

    assert fields[user.pk]["league"] == "pearl"
    assert fields[never.pk]["league"] is None


# --- Percentile ---------------------------------------------------------------------------------


def _week_of_learners(xps):
    at = timezone.now()
    learners = []
    for xp in xps:
        learner = UserFactory()
        if xp:
            award(learner, xp, at=at)
        learners.append(learner)
    return learners


@pytest.fixture
def no_redis(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def redis_down(settings, monkeypatch):
    settings.CACHES = {"default": redis_settings.cache_config(DOWN)}
    monkeypatch.setattr(redis_settings._FailFast, "_down_until", {})


def _percentiles(learners):
    return [
        (row["week_xp"], row["percentile"])
        for row in (percentile_get(user=learner) for learner in learners)
    ]


EXPECTED = [(0, 0.0), (10, 0.0), (20, 33.3), (20, 33.3), (50, 100.0)]


def test_the_percentile_from_postgresql_without_redis(no_redis, django_assert_max_num_queries):
    learners = _week_of_learners([0, 10, 20, 20, 50])

    with django_assert_max_num_queries(2):
        percentile_get(user=learners[2])
    assert _percentiles(learners) == EXPECTED


def test_the_percentile_from_postgresql_when_redis_is_down(redis_down, caplog):
    learners = _week_of_learners([0, 10, 20, 20, 50])

    with caplog.at_level(logging.WARNING):
        assert _percentiles(learners) == EXPECTED

    warnings = [r for r in caplog.records if r.name == "gamification.leagues.ranking"]
    assert len(warnings) == 1  # once a minute, whatever the number of calls
    assert not warnings[0].exc_info


@pytest.mark.redis
def test_the_percentile_from_redis_rebuilt_from_postgresql(django_assert_max_num_queries):
    learners = _week_of_learners([0, 10, 20, 20, 50])
    week = ranking_week()

    assert _percentiles(learners) == EXPECTED  # the first read rebuilt the set
    conn = ranking._connection()
    assert conn.exists(ranking._ready_key(week))
    assert conn.zcard(ranking._key(week)) == 4
    # Rebuilt once: later reads count in Redis, reading only the caller's XP from PostgreSQL.
    with django_assert_max_num_queries(1):
        assert percentile_get(user=learners[4])["percentile"] == 100.0


@pytest.mark.redis
def test_awards_reach_the_redis_set_after_their_commit(django_capture_on_commit_callbacks):
    (learner,) = _week_of_learners([0])
    percentile_get(user=learner)  # builds the (empty) set and its marker
    week = ranking_week()

    with django_capture_on_commit_callbacks(execute=True):
        award(learner, 25, at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        award(learner, 5, at=timezone.now())
    publisher_flush()  # the write leaves the request's thread

    assert ranking._connection().zscore(ranking._key(week), str(learner.pk)) == 30


@pytest.mark.redis
def test_writes_missed_while_redis_was_down_are_rebuilt_when_it_is_back(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    up = settings.CACHES
    low, high = _week_of_learners([10, 20])
    assert percentile_get(user=low)["percentile"] == 0.0  # the set is built
    monkeypatch.setattr(redis_settings._FailFast, "_down_until", {})

    settings.CACHES = {"default": redis_settings.cache_config(DOWN)}
    with django_capture_on_commit_callbacks(execute=True):
        award(low, 40, at=timezone.now())  # 50: now ahead of `high`, unknown to Redis
    publisher_flush()
    settings.CACHES = up

    assert percentile_get(user=low) == {"week_xp": 50, "percentile": 100.0}
    assert percentile_get(user=high)["percentile"] == 0.0


@pytest.mark.redis
def test_the_hourly_job_refreshes_this_weeks_set():
    low, _high = _week_of_learners([10, 20])
    percentile_get(user=low)
    WeeklyXp.objects.filter(user=low).update(xp=99)  # as if a write to Redis had been lost

    league_week_close(at=timezone.now())

    assert ranking._connection().zscore(ranking._key(ranking_week()), str(low.pk)) == 99


@pytest.mark.redis
def test_a_flushed_redis_is_rebuilt_on_the_next_read():
    _low, high = _week_of_learners([10, 20])
    assert percentile_get(user=high)["percentile"] == 100.0

    cache.clear()

    assert percentile_get(user=high)["percentile"] == 100.0


def test_get_percentile_answers_the_api_shape(auth_client, user):
    _week_of_learners([5])
    award(user, 10, at=timezone.now())

    response = auth_client.get("/api/v1/leaderboard/percentile/")

    assert response.status_code == 200
    assert response.json() == {"week_xp": 10, "percentile": 100.0}


def ranking_week():
    from gamification.leagues.membership import week_of

    return week_of(timezone.now())


# --- Admin --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", ["leaguerule", "leaguecohort", "leaguemember", "learnerleague", "weeklyxp"]
)
def test_every_league_changelist_opens_for_an_admin(admin_client, model):
    award(UserFactory())

    assert admin_client.get(reverse(f"admin:gamification_{model}_changelist")).status_code == 200


def test_the_rule_table_is_edited_and_cohorts_are_read_only(admin_client):
    award(UserFactory())
    cohort = LeagueCohort.objects.get()

    rule_page = admin_client.get(reverse("admin:gamification_leaguerule_change", args=["gold"]))
    cohort_page = admin_client.get(
        reverse("admin:gamification_leaguecohort_change", args=[cohort.pk])
    )
    posted = admin_client.post(
        reverse("admin:gamification_leaguecohort_change", args=[cohort.pk]), {"size": 30}
    )

    assert b'name="promote_count"' in rule_page.content
    assert cohort_page.status_code == 200
    assert b'name="size"' not in cohort_page.content
    assert posted.status_code == 403
    assert admin_client.get(reverse("admin:gamification_leaguerule_add")).status_code == 403
