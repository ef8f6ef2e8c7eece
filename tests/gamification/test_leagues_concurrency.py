"""Cohorts under racing awards, on PostgreSQL with real threads: never more than 30 in a cohort,
never a learner in two cohorts of a week, one cohort opened at a time, joiners not waiting for
each other, and a week closed once by two workers."""

import threading
import time
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from gamification.leagues.models import COHORT_SIZE_MAX, LeagueCohort, LeagueMember, WeeklyXp
from gamification.leagues.services import league_week_close
from gamification.models import GemTransaction, LearnerStats
from gamification.services import xp_award
from tests.accounts.factories import UserFactory
from tests.gamification import racing
from tests.gamification.cohorts import cohort_places

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = datetime(2025, 3, 12, 12, tzinfo=UTC)
NEXT_MONDAY = datetime(2025, 3, 17, tzinfo=UTC)


def award(user, source_id, amount=10):
    return lambda: xp_award(user=user, amount=amount, source="bonus", source_id=source_id, at=NOW)


def test_racing_first_awards_never_overfill_a_cohort():
    learners = UserFactory.create_batch(COHORT_SIZE_MAX + 12)

    results = racing.race([award(u, "first") for u in learners], hold_seconds=0.05)

    assert not [r for r in results if isinstance(r, Exception)]
    # Full cohorts first: the racers opened no more cohorts than needed, and every place of a
    # cohort is either a member or still free.
    assert cohort_places() == {
        ("bronze", 1): (COHORT_SIZE_MAX, 0),
        ("bronze", 2): (12, COHORT_SIZE_MAX - 12),
    }


def test_racing_awards_of_one_learner_put_them_in_one_cohort_with_all_their_xp():
    learner = UserFactory()
    others = UserFactory.create_batch(4)

    results = racing.race(
        [award(learner, n, amount=n + 1) for n in range(6)] + [award(u, "x") for u in others],
        hold_seconds=0.1,
    )

    assert not [r for r in results if isinstance(r, Exception)]
    (member,) = LeagueMember.objects.filter(user=learner)
    assert member.xp == sum(range(1, 7))
    assert WeeklyXp.objects.get(user=learner).xp == member.xp
    assert cohort_places() == {("bronze", 1): (5, COHORT_SIZE_MAX - 5)}


def test_two_workers_closing_the_same_week_close_each_cohort_once():
    learners = UserFactory.create_batch(5)
    for learner in learners:
        award(learner, "w")()

    results = racing.race([lambda: league_week_close(at=NEXT_MONDAY)] * 2, hold_seconds=0.2)

    assert sorted(r["cohorts_closed"] for r in results) == [0, 1]
    assert GemTransaction.objects.filter(source="league_week").count() == 3
    assert sum(LearnerStats.objects.values_list("league_finishes", flat=True)) == 3


def test_a_learner_joins_a_cohort_without_waiting_for_another_joiners_transaction():
    """Learners who join at once (a Monday morning's first lessons) take different places of the
    same cohort, none waiting for the end of another's transaction: here the second joiner would
    hit its lock timeout while the first holds its transaction open."""
    award(UserFactory(), "opener")()  # the cohort exists, with places free
    holder, joiner = UserFactory.create_batch(2)

    with racing.held_open(award(holder, "first")), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
        award(joiner, "first")()

    assert cohort_places() == {("bronze", 1): (3, COHORT_SIZE_MAX - 3)}


def release_once_a_lock_is_awaited(release: threading.Event) -> None:
    """Sets `release` once some transaction waits for a row lock (the join, for the close)."""
    try:
        deadline = time.monotonic() + 30
        while not release.is_set() and time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                if cursor.fetchone()[0]:
                    break
            time.sleep(0.01)
        release.set()
    finally:
        connection.close()


def test_a_learner_finding_the_cohort_closed_meanwhile_gives_the_place_back():
    """A late award whose join found a place while the week close was ranking that cohort: the
    join waits for the close, then joins nothing (the close ranked the cohort without them)."""
    award(UserFactory(), "opener")()
    cohort = LeagueCohort.objects.get()
    late = UserFactory()

    def close():
        LeagueCohort.objects.select_for_update().get(pk=cohort.pk)
        LeagueCohort.objects.filter(pk=cohort.pk).update(closed_at=NEXT_MONDAY)

    with racing.held_open(close) as release:
        watcher = threading.Thread(target=release_once_a_lock_is_awaited, args=[release])
        watcher.start()
        try:
            award(late, "late")()
        finally:
            release.set()
            watcher.join(timeout=30)

    assert WeeklyXp.objects.get(user=late).xp == 10
    assert not LeagueMember.objects.filter(user=late).exists()
    assert cohort_places() == {("bronze", 1): (1, COHORT_SIZE_MAX - 1)}
