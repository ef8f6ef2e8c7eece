"""Cohorts under racing awards, on PostgreSQL with real threads: never more than 30 in a cohort,
never a learner in two cohorts of a week, one cohort opened at a time, and a week closed once
by two workers."""

from collections import Counter
from datetime import UTC, datetime

import pytest

from gamification.leagues.models import COHORT_SIZE_MAX, LeagueCohort, LeagueMember, WeeklyXp
from gamification.leagues.services import league_week_close
from gamification.models import GemTransaction, LearnerStats
from gamification.services import xp_award
from tests.accounts.factories import UserFactory
from tests.gamification import racing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = datetime(2025, 3, 12, 12, tzinfo=UTC)
NEXT_MONDAY = datetime(2025, 3, 17, tzinfo=UTC)


def award(user, source_id, amount=10):
    return lambda: xp_award(user=user, amount=amount, source="bonus", source_id=source_id, at=NOW)


def test_racing_first_awards_never_overfill_a_cohort():
    learners = UserFactory.create_batch(COHORT_SIZE_MAX + 12)

    results = racing.race([award(u, "first") for u in learners], hold_seconds=0.05)

    assert not [r for r in results if isinstance(r, Exception)]
    sizes = {c.number: c.size for c in LeagueCohort.objects.all()}
    counted = Counter(LeagueMember.objects.values_list("cohort__number", flat=True))
    assert sizes == dict(counted)
    assert max(sizes.values()) <= COHORT_SIZE_MAX
    assert sum(sizes.values()) == len(learners)
    # Full cohorts first: the racers opened no more cohorts than needed.
    assert sorted(sizes.items()) == [(1, COHORT_SIZE_MAX), (2, 12)]


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
    assert LeagueCohort.objects.get().size == 5


def test_two_workers_closing_the_same_week_close_each_cohort_once():
    learners = UserFactory.create_batch(5)
    for learner in learners:
        award(learner, "w")()

    results = racing.race([lambda: league_week_close(at=NEXT_MONDAY)] * 2, hold_seconds=0.2)

    assert sorted(r["cohorts_closed"] for r in results) == [0, 1]
    assert GemTransaction.objects.filter(source="league_week").count() == 3
    assert sum(LearnerStats.objects.values_list("league_finishes", flat=True)) == 3
