from datetime import timedelta

import pytest
from django.utils import timezone

from gamification.models import LearnerStats, XpEvent
from srs.models import Rating, ReviewCard, ReviewLog, ReviewSettings
from tests.accounts.factories import UserFactory
from tests.courses.factories import CourseFactory, WordFactory
from tests.srs.conftest import right_answer
from tests.srs.factories import ReviewCardFactory

pytestmark = pytest.mark.django_db

DUE_URL = "/api/v1/reviews/due/"
SETTINGS_URL = "/api/v1/reviews/settings/"
# The day's quota (settings and today's counts) with the new and seen due ids, in one statement;
# the page's cards with their words; the distractors (when a card is served as a choice).
DUE_QUERIES = 3


def _ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


# --- GET reviews/due/ --------------------------------------------------------------------------


def test_anonymous_learners_get_401(api_client):
    response = api_client.get(DUE_URL)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_due_lists_the_learners_due_cards_most_overdue_first(auth_client, user):
    older = ReviewCardFactory(user=user, seen=True, due=_ago(days=3))
    newer = ReviewCardFactory(user=user, seen=True, due=_ago(hours=1))
    new = ReviewCardFactory(user=user, due=_ago(days=1))

    response = auth_client.get(DUE_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [item["card"] for item in body["results"]] == [older.pk, new.pk, newer.pk]
    item = body["results"][0]
    assert item["word"] == {"id": older.word_id, "part_of_speech": older.word.part_of_speech}
    assert {"type", "kind", "prompt"} <= set(item["exercise"])


def test_due_leaves_out_other_learners_suspended_and_later_cards(auth_client, user):
    due = ReviewCardFactory(user=user, seen=True, due=_ago(hours=1))
    ReviewCardFactory(seen=True, due=_ago(hours=1))
    ReviewCardFactory(user=user, seen=True, due=_ago(hours=1), suspended=True)
    ReviewCardFactory(user=user, seen=True, due=timezone.now() + timedelta(hours=1))

    body = auth_client.get(DUE_URL).json()

    assert body["count"] == 1
    assert [item["card"] for item in body["results"]] == [due.pk]


def test_due_returns_at_most_limit_results_and_counts_them_all(auth_client, user):
    ReviewCardFactory.create_batch(5, user=user, seen=True, due=_ago(hours=1))

    body = auth_client.get(DUE_URL, {"limit": 2}).json()

    assert body["count"] == 5
    assert len(body["results"]) == 2


@pytest.mark.parametrize("limit", ["0", "201", "x"])
def test_due_refuses_a_bad_limit(auth_client, limit):
    response = auth_client.get(DUE_URL, {"limit": limit})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "limit" in response.json()["error"]["fields"]


def _due_cards(user, count):
    course = CourseFactory()
    words = WordFactory.create_batch(count, course=course)
    for word in words:
        ReviewCardFactory(user=user, word=word, seen=True, due=_ago(hours=1))


@pytest.mark.parametrize("count", [5, 300])
def test_due_costs_the_same_queries_for_5_or_300_due_cards(
    auth_client, user, count, django_assert_max_num_queries
):
    _due_cards(user, count)
    ReviewSettings.objects.create(user=user, max_reviews_per_day=1000)

    with django_assert_max_num_queries(DUE_QUERIES):
        response = auth_client.get(DUE_URL, {"limit": 200})

    assert response.status_code == 200
    assert response.json()["count"] == count
    assert len(response.json()["results"]) == min(count, 200)


# --- POST reviews/{card}/answer/ ---------------------------------------------------------------


def test_a_right_answer_schedules_the_card_logs_it_and_awards_review_xp(
    auth_client, user, answer_url
):
    card = ReviewCardFactory(user=user, due=_ago(minutes=5))

    response = auth_client.post(answer_url(card), {"answer": right_answer(card)})

    assert response.status_code == 200
    body = response.json()
    card.refresh_from_db()
    log = ReviewLog.objects.get(card=card)
    assert body["correct"] is True
    assert body["rating"] == Rating.GOOD == log.rating
    assert body["due"] == card.due.isoformat().replace("+00:00", "Z")
    assert body["feedback"] == ""
    assert body["solution"]
    assert body["word"]["text"] == card.word.text
    assert body["xp_earned"] == 1
    assert card.reps == 1 and card.last_review is not None
    event = XpEvent.objects.get(user=user)
    assert (event.source, event.source_id, event.amount) == ("review", str(log.pk), 1)
    assert LearnerStats.objects.get(user=user).reviews_done == 1


def test_a_wrong_answer_rates_again_and_shows_the_solution(auth_client, user, answer_url):
    card = ReviewCardFactory(user=user, due=_ago(minutes=5))
    wrong = {"option": "not-an-option"} if "option" in right_answer(card) else {"text": "zzzz qqq"}

    body = auth_client.post(answer_url(card), {"answer": wrong}).json()

    assert (body["correct"], body["rating"]) == (False, Rating.AGAIN)
    assert body["solution"]
    assert body["feedback"].startswith("Correct solution")


def test_answering_another_learners_card_is_404(auth_client, answer_url):
    card = ReviewCardFactory(user=UserFactory(), due=_ago(minutes=5))

    response = auth_client.post(answer_url(card), {"rating": 3})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "card_not_found"
    assert not ReviewLog.objects.exists()


def test_answering_a_card_that_is_not_due_is_409_and_changes_nothing(auth_client, user, answer_url):
    due = timezone.now() + timedelta(days=2)
    card = ReviewCardFactory(user=user, seen=True, due=due)

    response = auth_client.post(answer_url(card), {"rating": 3})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "card_not_due"
    card.refresh_from_db()
    assert (card.due, card.reps) == (due, 3)
    assert not ReviewLog.objects.exists()
    assert not XpEvent.objects.exists()


def test_answering_a_suspended_card_is_409(auth_client, user, answer_url):
    card = ReviewCardFactory(user=user, due=_ago(minutes=5), suspended=True)

    response = auth_client.post(answer_url(card), {"rating": 3})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "card_suspended"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"answer": {"text": "x"}, "rating": 3},
        {"answer": "perro"},
        {"rating": 0},
        {"rating": 5},
        {"rating": "good"},
        {"rating": "3"},
        {"rating": 3.0},
        {"rating": 3.5},
        {"rating": True},
        {"rating": None},
        {"answer": None},
        {"answer": ["text", "x"]},
        {"rating": 3, "duration_ms": -1},
    ],
)
def test_a_bad_body_is_400_and_changes_nothing(auth_client, user, answer_url, body):
    card = ReviewCardFactory(user=user, due=_ago(minutes=5))

    response = auth_client.post(answer_url(card), body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert not ReviewLog.objects.exists()
    assert ReviewCard.objects.get(pk=card.pk).reps == 0


def test_an_answer_of_the_wrong_shape_for_the_exercise_is_400(auth_client, user, answer_url):
    card = ReviewCardFactory(user=user, due=_ago(minutes=5))

    response = auth_client.post(answer_url(card), {"answer": {"text": 5, "option": []}})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_answer"
    assert "answer" in error["fields"]
    assert not ReviewLog.objects.exists()


def test_an_answered_card_is_no_longer_due(auth_client, user, answer_url):
    card = ReviewCardFactory(user=user, due=_ago(minutes=5))
    auth_client.post(answer_url(card), {"rating": 4})

    response = auth_client.post(answer_url(card), {"rating": 4})

    assert response.status_code == 409
    assert ReviewLog.objects.count() == 1
    assert auth_client.get(DUE_URL).json()["count"] == 0


# --- GET, PATCH reviews/settings/ --------------------------------------------------------------


def test_settings_are_the_defaults_until_changed_and_reading_creates_no_row(auth_client):
    response = auth_client.get(SETTINGS_URL)

    assert response.status_code == 200
    assert response.json() == {
        "desired_retention": 0.9,
        "new_cards_per_day": 20,
        "max_reviews_per_day": 200,
        "learning_steps": [60, 600],
        "relearning_steps": [600],
        "maximum_interval": 36500,
        "parameters": None,
        "reminders_enabled": True,
        "reminder_hour": 8,
    }
    assert not ReviewSettings.objects.exists()


def test_patching_settings_changes_only_what_is_sent(auth_client, user):
    response = auth_client.patch(
        SETTINGS_URL,
        {"desired_retention": 0.85, "learning_steps": [60, 300], "reminders_enabled": False},
    )

    assert response.status_code == 200
    settings = ReviewSettings.objects.get(user=user)
    assert (settings.desired_retention, settings.learning_steps) == (0.85, [60, 300])
    assert (settings.reminders_enabled, settings.new_cards_per_day) == (False, 20)
    assert response.json()["desired_retention"] == 0.85


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"desired_retention": 0.69}, "desired_retention"),
        ({"desired_retention": 0.995}, "desired_retention"),
        ({"new_cards_per_day": -1}, "new_cards_per_day"),
        ({"max_reviews_per_day": 0}, "max_reviews_per_day"),
        ({"new_cards_per_day": 50, "max_reviews_per_day": 40}, "new_cards_per_day"),
        ({"learning_steps": [60, 0]}, "learning_steps"),
        ({"learning_steps": [59, 600]}, "learning_steps"),
        ({"relearning_steps": [1]}, "relearning_steps"),
        ({"relearning_steps": "600"}, "relearning_steps"),
        ({"reminder_hour": 24}, "reminder_hour"),
        ({"parameters": [1.0, 2.0]}, "parameters"),
        ({"parameters": [500.0] * 21}, "parameters"),
    ],
)
def test_patching_invalid_settings_is_400_with_the_field(auth_client, user, body, field):
    response = auth_client.patch(SETTINGS_URL, body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert any(name.split(".")[0] == field for name in error["fields"]), error["fields"]
    assert not ReviewSettings.objects.exists()


def test_new_cards_cannot_exceed_reviews_counting_the_stored_limit(auth_client, user):
    ReviewSettings.objects.create(user=user, max_reviews_per_day=30)

    response = auth_client.patch(SETTINGS_URL, {"new_cards_per_day": 31})

    assert response.status_code == 400
    assert "new_cards_per_day" in response.json()["error"]["fields"]
    assert ReviewSettings.objects.get(user=user).new_cards_per_day == 20


def test_a_bare_string_answer_is_told_the_shape_to_send(auth_client, user, answer_url):
    card = ReviewCardFactory(user=user, due=_ago(minutes=5))

    response = auth_client.post(answer_url(card), {"answer": "perro"})

    assert response.json()["error"]["fields"]["answer"] == [
        'The answer must be a JSON object, such as {"text": "..."} or {"option": "<id>"}.'
    ]
