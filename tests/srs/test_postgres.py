"""PostgreSQL only: the plan of the due scans, and two answers racing for one card.

The plan test loads enough rows for the planner to choose on real statistics (10,000 cards of
one learner, a tenth of them new and about half of them overdue, 1,000 of each of five others,
then ANALYZE) rather than forcing its hand with `enable_seqscan = off`: an index scan that needs
no Sort node is then what the planner picks by cost, as it would on a real database.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone
from rest_framework.test import APIClient

from courses.models import Word
from gamification.models import LearnerStats, XpEvent
from srs import services
from srs.models import ReviewCard, ReviewLog, ReviewSettings
from srs.selectors import _queue_select
from tests.accounts.factories import UserFactory
from tests.courses.factories import CourseFactory
from tests.srs.conftest import right_answer
from tests.srs.factories import ReviewCardFactory, ReviewLogFactory

pytestmark = pytest.mark.postgres

LEARNER_CARDS = 10_000
OTHER_LEARNERS = 5
OTHER_CARDS = 1_000


def _seed(user, words, now):
    cards = []
    for n, word in enumerate(words):
        seen = n % 10 != 0
        due = now + timedelta(minutes=(n * 7919 % 200_000) - 100_000)
        cards.append(
            ReviewCard(
                user=user,
                word=word,
                due=due,
                state=2 if seen else 1,
                step=None if seen else 0,
                stability=3.0 if seen else None,
                difficulty=5.0 if seen else None,
                last_review=due - timedelta(days=3) if seen else None,
                reps=2 if seen else 0,
                suspended=n % 97 == 0,
            )
        )
    ReviewCard.objects.bulk_create(cards, batch_size=5000)


def _generic_plan(sql: str, types: list[str], params: list) -> str:
    """The plan PostgreSQL runs a prepared statement on once it stops planning per call: made
    without the parameters' values (plan_cache_mode = force_generic_plan)."""
    for number in range(1, len(types) + 1):
        sql = sql.replace("%s", f"${number}", 1)
    with connection.cursor() as cursor:
        cursor.execute(f"PREPARE due_scans ({', '.join(types)}) AS {sql}")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"EXPLAIN EXECUTE due_scans ({', '.join(['%s'] * len(params))})", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("DEALLOCATE due_scans")
    return plan


@pytest.mark.django_db
def test_both_due_scans_are_index_scans_in_due_order_even_on_a_generic_plan():
    now = timezone.now()
    course = CourseFactory()
    words = Word.objects.bulk_create(
        [Word(course=course, text=f"w{n}", translations=[f"t{n}"]) for n in range(LEARNER_CARDS)]
    )
    learner = UserFactory()
    _seed(learner, words, now)
    for _ in range(OTHER_LEARNERS):
        _seed(UserFactory(), words[:OTHER_CARDS], now)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {ReviewCard._meta.db_table}")

    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    plan = _generic_plan(
        _queue_select().sql,
        ["integer"] * 4 + ["timestamptz"] * 2 + ["bigint"] + ["bigint", "timestamptz"] * 2,
        [None, 20, None, 200, day_start, day_start + timedelta(days=1), learner.pk]
        + [learner.pk, now] * 2,
    )

    assert "Index Scan using srs_card_due_new" in plan, plan
    assert "Index Scan using srs_card_due_seen" in plan, plan
    assert "Sort" not in plan, plan
    # The cards are never read whole. (The day's settings and logs, a handful of rows here, may
    # be read by their one page, which is the planner's right choice at that size, depending on
    # the statistics earlier tests left: an ANALYZE's row counts outlive its rollback.)
    assert f"Seq Scan on {ReviewCard._meta.db_table}" not in plan, plan


@pytest.mark.django_db(transaction=True)
def test_two_answers_racing_for_one_card_review_it_once():
    learner = UserFactory()
    card = ReviewCardFactory(user=learner, due=timezone.now() - timedelta(minutes=5))
    body = {"answer": right_answer(card)}
    barrier = threading.Barrier(2)
    statuses = []

    def answer():
        try:
            client = APIClient()
            client.force_authenticate(user=learner)
            barrier.wait()
            url = f"/api/v1/reviews/{card.pk}/answer/"
            statuses.append(client.post(url, body, format="json").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 409]
    assert ReviewLog.objects.filter(card=card).count() == 1
    assert XpEvent.objects.filter(user=learner).count() == 1
    assert ReviewCard.objects.get(pk=card.pk).reps == 1


@pytest.fixture
def slow_reviews(monkeypatch):
    """Each answer holds its transaction open a moment after it logs the review, so the others
    run into it (or, without a lock, count the day's reviews before it commits)."""
    review = services._review

    def slow_review(*args, **kwargs):
        log = review(*args, **kwargs)
        time.sleep(0.3)
        return log

    monkeypatch.setattr(services, "_review", slow_review)


def _answer_all_at_once(learner, cards, body_for):
    """Posts an answer to each card from its own thread, all released together; the statuses."""
    barrier = threading.Barrier(len(cards))
    statuses = []

    def answer(card):
        try:
            client = APIClient()
            client.force_authenticate(user=learner)
            body = body_for(card)
            barrier.wait()
            url = f"/api/v1/reviews/{card.pk}/answer/"
            statuses.append(client.post(url, body, format="json").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(card,)) for card in cards]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return statuses


@pytest.mark.django_db(transaction=True)
def test_concurrent_answers_to_different_cards_never_pass_the_days_last_review(slow_reviews):
    learner = UserFactory()
    ReviewSettings.objects.create(user=learner, max_reviews_per_day=3, new_cards_per_day=3)
    ReviewCardFactory(user=learner, seen=True, due=timezone.now() - timedelta(hours=1))
    cards = ReviewCardFactory.create_batch(
        5, user=learner, seen=True, due=timezone.now() - timedelta(hours=1)
    )
    ReviewLogFactory.create_batch(2, card=cards[0], reviewed_at=timezone.now())

    statuses = _answer_all_at_once(learner, cards[1:], lambda card: {"rating": 3})

    assert sorted(statuses) == [200, 409, 409, 409]
    assert ReviewLog.objects.filter(user=learner).count() == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_right_answers_never_pass_the_review_xp_cap(settings, slow_reviews):
    settings.SRS_REVIEW_XP_DAILY_CAP = 2
    learner = UserFactory()
    cards = ReviewCardFactory.create_batch(
        5, user=learner, seen=True, due=timezone.now() - timedelta(hours=1)
    )

    statuses = _answer_all_at_once(learner, cards, lambda card: {"answer": right_answer(card)})

    assert statuses == [200] * 5
    assert ReviewLog.objects.filter(user=learner, correct=True).count() == 5
    assert sum(XpEvent.objects.filter(user=learner).values_list("amount", flat=True)) == 2
    assert LearnerStats.objects.get(user=learner).total_xp == 2
