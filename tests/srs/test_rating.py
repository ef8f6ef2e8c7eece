"""How an answer becomes an FSRS rating: wrong Again; accent, typo or slow Hard; right Good;
right and fast Easy; or the learner's own rating."""

from datetime import timedelta

import pytest
from django.utils import timezone

from exercises.grading import Match, Verdict
from srs import exercises
from srs.models import Rating, ReviewLog
from srs.services import rating_for
from tests.courses.factories import WordFactory
from tests.srs.factories import ReviewCardFactory


def _verdict(match: Match) -> Verdict:
    return Verdict(correct=match is not Match.WRONG, match=match, solution="x", feedback="")


@pytest.mark.parametrize(
    ("match", "duration_ms", "rating"),
    [
        (Match.WRONG, None, Rating.AGAIN),
        (Match.WRONG, 500, Rating.AGAIN),
        (Match.ACCENT, None, Rating.HARD),
        (Match.ACCENT, 500, Rating.HARD),
        (Match.TYPO, None, Rating.HARD),
        (Match.EXACT, 15_001, Rating.HARD),
        (Match.EXACT, None, Rating.GOOD),
        (Match.EXACT, 15_000, Rating.GOOD),
        (Match.EXACT, 3_001, Rating.GOOD),
        (Match.EXACT, 3_000, Rating.EASY),
        (Match.EXACT, 0, Rating.EASY),
    ],
)
def test_a_verdict_maps_to_a_rating(settings, match, duration_ms, rating):
    settings.SRS_EASY_MS, settings.SRS_SLOW_MS = 3_000, 15_000

    assert rating_for(verdict=_verdict(match), duration_ms=duration_ms) == rating


def test_the_thresholds_are_settings(settings):
    settings.SRS_EASY_MS, settings.SRS_SLOW_MS = 1_000, 2_000

    assert rating_for(verdict=_verdict(Match.EXACT), duration_ms=1_500) == Rating.GOOD
    assert rating_for(verdict=_verdict(Match.EXACT), duration_ms=2_500) == Rating.HARD
    assert rating_for(verdict=_verdict(Match.EXACT), duration_ms=900) == Rating.EASY


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "correct", "rating"),
    [
        ({"answer": {"text": "perro"}}, False, Rating.AGAIN),
        ({"answer": {"text": "canción"}}, True, Rating.GOOD),
        ({"answer": {"text": "cancion"}}, True, Rating.HARD),
        ({"answer": {"text": "cancoin"}}, True, Rating.HARD),
        ({"answer": {"text": "canción"}, "duration_ms": 60_000}, True, Rating.HARD),
        ({"answer": {"text": "canción"}, "duration_ms": 1_200}, True, Rating.EASY),
        ({"answer": {"text": "canción"}, "duration_ms": 8_000}, True, Rating.GOOD),
        ({"rating": 4}, True, Rating.EASY),
        ({"rating": 2}, True, Rating.HARD),
        ({"rating": 1}, False, Rating.AGAIN),
    ],
    ids=["wrong", "right", "accent", "typo", "slow", "fast", "in-time", "easy", "hard", "again"],
)
def test_an_answer_is_rated_from_its_verdict_and_time(
    auth_client, user, answer_url, monkeypatch, settings, body, correct, rating
):
    settings.SRS_EASY_MS, settings.SRS_SLOW_MS = 3_000, 15_000
    # A recall exercise: the translation is shown, the learner types the Spanish word.
    monkeypatch.setattr(exercises, "review_kind", lambda card, word: exercises.ReviewKind.RECALL)
    word = WordFactory(text="canción", translations=["song"])
    card = ReviewCardFactory(user=user, word=word, due=timezone.now() - timedelta(minutes=1))

    response = auth_client.post(answer_url(card), body)

    assert response.status_code == 200
    assert (response.json()["correct"], response.json()["rating"]) == (correct, rating)
    assert response.json()["solution"] == "canción"
    log = ReviewLog.objects.get(card=card)
    assert log.rating == rating
    assert log.correct == (correct if "answer" in body else None)
    assert log.duration_ms == body.get("duration_ms")


@pytest.mark.django_db
def test_an_accent_slip_comes_with_its_note(auth_client, user, answer_url, monkeypatch):
    monkeypatch.setattr(exercises, "review_kind", lambda card, word: exercises.ReviewKind.RECALL)
    word = WordFactory(text="canción", translations=["song"])
    card = ReviewCardFactory(user=user, word=word, due=timezone.now() - timedelta(minutes=1))

    body = auth_client.post(answer_url(card), {"answer": {"text": "cancion"}}).json()

    assert body["feedback"] == 'Watch the accent: "canción".'
