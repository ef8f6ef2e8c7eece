import pytest

from srs import exercises
from srs.models import ReviewCard


def right_answer(card: ReviewCard) -> dict:
    """The answer that is exactly right for the exercise the card is served as."""
    word = card.word
    kind = exercises.review_kind(card, word)
    if kind is exercises.ReviewKind.CHOICE:
        return {"option": exercises.option_id(card, word.pk)}
    if kind is exercises.ReviewKind.MEANING:
        return {"text": word.translations[0]}
    return {"text": word.text}


@pytest.fixture
def answer_url():
    return lambda card: f"/api/v1/reviews/{card.pk}/answer/"
