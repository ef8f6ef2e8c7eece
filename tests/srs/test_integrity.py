"""Review integrity: the day's limits bind answers as they bind the due queue, steps have a
minimum, and review XP is paid only for answers graded right, up to a daily cap.

The learner is in Tokyo (UTC+9): the local day turns at 15:00 UTC, in the middle of the UTC day,
so a count by UTC day would give different answers than the learner's own.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps as django_apps
from freezegun import freeze_time

from config.api.errors import ApplicationError
from gamification.models import DailyXp, LearnerStats, XpEvent
from gamification.services import xp_award
from srs.checks import review_xp_cap_check
from srs.models import ReviewCard, ReviewLog, ReviewSettings
from srs.services import card_answer, review_settings_update
from tests.accounts.factories import UserFactory
from tests.courses.factories import CourseFactory, WordFactory
from tests.srs.conftest import right_answer
from tests.srs.factories import ReviewCardFactory, ReviewLogFactory, ReviewSettingsFactory

pytestmark = pytest.mark.django_db

BEFORE_MIDNIGHT = datetime(2025, 3, 10, 14, 50, tzinfo=UTC)  # 23:50 in Tokyo
AFTER_MIDNIGHT = datetime(2025, 3, 10, 15, 5, tzinfo=UTC)  # 00:05 the next day in Tokyo


@pytest.fixture
def tokyo(db):
    return UserFactory(timezone="Asia/Tokyo")


@pytest.fixture
def client_for(api_client):
    def login(user):
        api_client.force_authenticate(user=user)
        return api_client

    return login


def _cards(user, count, *, seen):
    # Words of their own course each, so no two cards share a word.
    words = WordFactory.create_batch(count, course=CourseFactory())
    due = BEFORE_MIDNIGHT - timedelta(hours=2)
    if seen:
        return [ReviewCardFactory(user=user, word=word, seen=True, due=due) for word in words]
    return [ReviewCardFactory(user=user, word=word, due=due) for word in words]


def _post(client, card, body):
    return client.post(f"/api/v1/reviews/{card.pk}/answer/", body, format="json")


# --- Daily limits ------------------------------------------------------------------------------


def test_an_answer_past_the_days_reviews_is_409_and_changes_nothing(tokyo, client_for):
    ReviewSettingsFactory(user=tokyo, max_reviews_per_day=2, new_cards_per_day=2)
    first, second, third = _cards(tokyo, 3, seen=True)
    client = client_for(tokyo)

    with freeze_time(BEFORE_MIDNIGHT):
        assert _post(client, first, {"rating": 3}).status_code == 200
        assert _post(client, second, {"rating": 3}).status_code == 200
        response = _post(client, third, {"answer": right_answer(third)})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "review_limit_reached"
    assert ReviewLog.objects.filter(card=third).count() == 0
    assert ReviewCard.objects.get(pk=third.pk).reps == third.reps
    assert LearnerStats.objects.get(user=tokyo).reviews_done == 2


def test_a_new_card_past_the_days_new_cards_is_409_while_seen_cards_still_go(tokyo, client_for):
    ReviewSettingsFactory(user=tokyo, new_cards_per_day=1, max_reviews_per_day=10)
    first_new, second_new = _cards(tokyo, 2, seen=False)
    [seen] = _cards(tokyo, 1, seen=True)
    client = client_for(tokyo)

    with freeze_time(BEFORE_MIDNIGHT):
        assert _post(client, first_new, {"rating": 4}).status_code == 200
        refused = _post(client, second_new, {"rating": 4})
        accepted = _post(client, seen, {"rating": 4})

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "new_card_limit_reached"
    assert accepted.status_code == 200
    assert not ReviewLog.objects.filter(card=second_new).exists()


def test_no_new_cards_a_day_means_no_new_card_is_answered(tokyo, client_for):
    ReviewSettingsFactory(user=tokyo, new_cards_per_day=0)
    [new] = _cards(tokyo, 1, seen=False)

    with freeze_time(BEFORE_MIDNIGHT):
        response = _post(client_for(tokyo), new, {"rating": 3})

    assert response.json()["error"]["code"] == "new_card_limit_reached"


def test_the_limit_counts_the_learners_local_day(tokyo, client_for):
    ReviewSettingsFactory(user=tokyo, max_reviews_per_day=2, new_cards_per_day=2)
    cards = _cards(tokyo, 3, seen=True)
    # Two reviews at 23:00 Tokyo: the same UTC day as both answers below, not the same local day.
    ReviewLogFactory.create_batch(
        2,
        card=ReviewCardFactory(user=tokyo, seen=True, due=AFTER_MIDNIGHT + timedelta(days=9)),
        reviewed_at=datetime(2025, 3, 10, 14, 0, tzinfo=UTC),
    )
    client = client_for(tokyo)

    with freeze_time(BEFORE_MIDNIGHT):
        before = _post(client, cards[0], {"rating": 3})
    with freeze_time(AFTER_MIDNIGHT):
        after = [_post(client, card, {"rating": 3}).status_code for card in cards]

    assert before.status_code == 409
    assert after == [200, 200, 409]


def test_what_the_due_queue_offers_can_all_be_answered_and_no_more(tokyo, client_for):
    ReviewSettingsFactory(user=tokyo, new_cards_per_day=2, max_reviews_per_day=3)
    _cards(tokyo, 3, seen=False)
    _cards(tokyo, 3, seen=True)
    client = client_for(tokyo)

    with freeze_time(BEFORE_MIDNIGHT):
        offered = client.get("/api/v1/reviews/due/").json()["results"]
        statuses = [
            client.post(f"/api/v1/reviews/{item['card']}/answer/", {"rating": 4}).status_code
            for item in offered
        ]
        left = client.get("/api/v1/reviews/due/").json()
        refused = [
            _post(client, card, {"rating": 4}).status_code
            for card in ReviewCard.objects.filter(user=tokyo, last_review__isnull=True)
        ]

    assert statuses == [200, 200, 200]
    assert (left["count"], left["reviews_left"]) == (0, 0)
    assert set(refused) == {409}


# --- Learning steps ----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["learning_steps", "relearning_steps"])
def test_steps_under_a_minute_are_refused_by_the_service(user, field):
    with pytest.raises(ApplicationError) as raised:
        review_settings_update(user=user, **{field: [59]})

    assert raised.value.code == "invalid"
    assert field in raised.value.fields


def test_a_step_of_one_minute_is_taken(auth_client, user):
    response = auth_client.patch(
        "/api/v1/reviews/settings/",
        {"learning_steps": [60], "relearning_steps": [60]},
        format="json",
    )

    assert response.status_code == 200
    assert ReviewSettings.objects.get(user=user).learning_steps == [60]


def test_the_migration_raises_steps_saved_under_a_minute(user):
    migration = __import__("srs.migrations.0003_learning_steps_minimum", fromlist=["x"])
    ReviewSettings.objects.create(user=user, learning_steps=[1, 30, 600], relearning_steps=[5])
    untouched = ReviewSettings.objects.create(user=UserFactory(), learning_steps=[])

    migration.raise_short_steps(django_apps, None)

    settings = ReviewSettings.objects.get(user=user)
    assert (settings.learning_steps, settings.relearning_steps) == ([60, 60, 600], [60])
    untouched.refresh_from_db()
    assert untouched.learning_steps == []


# --- Review XP ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rating", [1, 2, 3, 4])
def test_a_self_rating_schedules_the_card_but_earns_no_xp(auth_client, user, rating):
    [card] = _cards(user, 1, seen=True)

    with freeze_time(BEFORE_MIDNIGHT):
        response = _post(auth_client, card, {"rating": rating})

    assert response.status_code == 200
    assert response.json()["xp_earned"] == 0
    assert not XpEvent.objects.exists()
    assert ReviewLog.objects.filter(card=card).exists()
    assert LearnerStats.objects.get(user=user).reviews_done == 1


def test_a_wrong_answer_earns_no_xp(auth_client, user):
    [card] = _cards(user, 1, seen=True)
    wrong = {"option": "not-an-option"} if "option" in right_answer(card) else {"text": "zzzz qqq"}

    with freeze_time(BEFORE_MIDNIGHT):
        body = _post(auth_client, card, {"answer": wrong}).json()

    assert (body["correct"], body["xp_earned"]) == (False, 0)
    assert not XpEvent.objects.exists()


def test_right_answers_earn_xp_until_the_daily_cap_then_nothing_until_local_midnight(
    tokyo, client_for, settings
):
    settings.SRS_REVIEW_XP_DAILY_CAP = 3
    ReviewSettingsFactory(user=tokyo, max_reviews_per_day=100)
    today, tomorrow = _cards(tokyo, 5, seen=True), _cards(tokyo, 1, seen=True)
    client = client_for(tokyo)

    with freeze_time(BEFORE_MIDNIGHT):
        earned = [_post(client, c, {"answer": right_answer(c)}).json()["xp_earned"] for c in today]
    with freeze_time(AFTER_MIDNIGHT):
        next_day = _post(client, tomorrow[0], {"answer": right_answer(tomorrow[0])}).json()

    assert earned == [1, 1, 1, 0, 0]
    assert next_day["xp_earned"] == 1
    assert ReviewLog.objects.filter(user=tokyo).count() == 6
    assert LearnerStats.objects.get(user=tokyo).total_xp == 4
    assert sorted(DailyXp.objects.filter(user=tokyo).values_list("xp", flat=True)) == [1, 3]


def test_the_review_cap_leaves_lesson_xp_alone(user, settings):
    settings.SRS_REVIEW_XP_DAILY_CAP = 1
    [first, second] = _cards(user, 2, seen=True)
    at = BEFORE_MIDNIGHT
    xp_award(user=user, amount=30, source="lesson", source_id="s1", at=at)

    outcomes = [
        card_answer(user=user, card_id=card.pk, answer=right_answer(card), now=at)
        for card in (first, second)
    ]

    assert [outcome.xp_earned for outcome in outcomes] == [1, 0]
    assert LearnerStats.objects.get(user=user).total_xp == 31


def test_a_cap_of_zero_pays_no_review_xp(auth_client, user, settings):
    settings.SRS_REVIEW_XP_DAILY_CAP = 0
    [card] = _cards(user, 1, seen=True)

    with freeze_time(BEFORE_MIDNIGHT):
        body = _post(auth_client, card, {"answer": right_answer(card)}).json()

    assert (body["correct"], body["xp_earned"]) == (True, 0)
    # The day's row counts the review (for daily quests), but holds no XP.
    assert not DailyXp.objects.filter(xp__gt=0).exists()


@pytest.mark.parametrize("cap", [-1, "50", None])
def test_a_bad_review_xp_cap_is_a_system_check_error(settings, cap):
    settings.SRS_REVIEW_XP_DAILY_CAP = cap

    [error] = review_xp_cap_check()

    assert error.id == "srs.E002"


def test_the_default_review_xp_cap_passes_the_check():
    assert review_xp_cap_check() == []
