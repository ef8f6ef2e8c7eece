"""Completing a lesson pays gems (first pass, perfect) and doubles XP while a boost runs."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from freezegun import freeze_time

from courses.models import Exercise
from gamification.models import (
    Achievement,
    GemTransaction,
    InventoryItem,
    QuestTemplate,
    ShopItem,
    XpEvent,
)
from gamification.selectors import wallet_balance_get
from gamification.services import inventory_item_use
from tests.progress.factories import wrong_answer

pytestmark = pytest.mark.django_db


def _finish(learner, lesson, *, mistakes: int = 0) -> dict:
    session = learner.start(lesson).json()
    for item in session["exercises"][:mistakes]:
        exercise = Exercise.objects.get(id=item["id"])
        learner.answer(session["id"], item["id"], wrong_answer(exercise))
    learner.answer_all_right(session)
    response = learner.complete(session["id"])
    assert response.status_code == 200, response.json()
    return response.json()


@pytest.fixture(autouse=True)
def _no_seeded_rewards():
    # The seeded achievements and quests pay gems of their own on a first lesson.
    Achievement.objects.all().delete()
    QuestTemplate.objects.all().delete()


@override_settings(GEMS_LESSON_FIRST_PASS=7, GEMS_PERFECT_LESSON=3)
def test_a_perfect_first_pass_pays_both_and_practice_pays_no_more(learner, user, enrolled, lessons):
    first = _finish(learner, lessons[0])
    again = _finish(learner, lessons[0])

    assert [(r["kind"], r["slug"], r["gems"]) for r in first["rewards"]] == [
        ("gems", "lesson_first_pass", 7),
        ("gems", "perfect_lesson", 3),
    ]
    assert again["rewards"] == []

    rows = GemTransaction.objects.filter(wallet_id=user.pk).order_by("id")
    assert [(r.amount, r.source) for r in rows] == [
        (7, "lesson_first_pass"),
        (3, "perfect_lesson"),
    ]
    assert wallet_balance_get(user=user) == 10


@override_settings(GEMS_LESSON_FIRST_PASS=7, GEMS_PERFECT_LESSON=3)
def test_a_pass_with_mistakes_pays_the_first_pass_only_and_a_later_perfect_pays_then(
    learner, user, enrolled, lessons
):
    lessons[0].pass_score = 50
    lessons[0].save(update_fields=["pass_score"])

    first = _finish(learner, lessons[0], mistakes=1)
    assert (first["passed"], first["score"]) == (True, 66)
    assert wallet_balance_get(user=user) == 7

    _finish(learner, lessons[0])

    assert wallet_balance_get(user=user) == 10


def test_a_running_boost_doubles_lesson_xp_and_shows_in_the_ledger(
    learner, user, enrolled, lessons
):
    InventoryItem.objects.create(user=user, item=ShopItem.objects.get(slug="xp-boost"), quantity=1)
    inventory_item_use(user=user, slug="xp-boost")

    body = _finish(learner, lessons[0])

    reward = lessons[0].xp_reward
    assert body["xp_earned"] == 2 * reward
    assert sorted(XpEvent.objects.filter(user=user).values_list("source", "amount")) == [
        ("lesson", reward),
        ("xp_boost", reward),
    ]


def test_after_the_boost_ends_lesson_xp_is_single(learner, user, enrolled, lessons):
    InventoryItem.objects.create(user=user, item=ShopItem.objects.get(slug="xp-boost"), quantity=1)
    held = inventory_item_use(user=user, slug="xp-boost")

    with freeze_time(held.active_until + timedelta(seconds=1)):
        body = _finish(learner, lessons[0])

    assert body["xp_earned"] == lessons[0].xp_reward
    assert not XpEvent.objects.filter(source="xp_boost").exists()
    assert settings.XP_BOOST_MINUTES == 15
