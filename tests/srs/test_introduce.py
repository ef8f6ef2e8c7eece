from datetime import UTC, datetime

import pytest
from django.db import IntegrityError

from srs.models import CardState, ReviewCard
from srs.services import cards_introduce
from tests.accounts.factories import UserFactory
from tests.courses.factories import WordFactory
from tests.srs.factories import ReviewCardFactory

pytestmark = pytest.mark.django_db

AT = datetime(2025, 3, 10, 9, 30, 15, 123456, tzinfo=UTC)


def test_introduced_words_become_new_cards_due_at_once(user):
    words = WordFactory.create_batch(3)

    created = cards_introduce(user=user, word_ids=[w.pk for w in words], at=AT)

    assert created == 3
    cards = ReviewCard.objects.filter(user=user)
    assert {card.word_id for card in cards} == {w.pk for w in words}
    for card in cards:
        assert (card.state, card.step, card.stability, card.difficulty) == (
            CardState.LEARNING,
            0,
            None,
            None,
        )
        assert (card.due, card.last_review, card.reps, card.lapses) == (AT, None, 0, 0)
        assert card.suspended is False


def test_introducing_the_same_words_again_creates_no_second_card(user):
    words = WordFactory.create_batch(2)
    cards_introduce(user=user, word_ids=[words[0].pk], at=AT)

    created = cards_introduce(user=user, word_ids=[w.pk for w in words], at=AT)

    assert created == 1
    assert ReviewCard.objects.filter(user=user).count() == 2
    assert cards_introduce(user=user, word_ids=[w.pk for w in words], at=AT) == 0
    assert ReviewCard.objects.filter(user=user).count() == 2


def test_introducing_skips_words_that_do_not_exist(user):
    word = WordFactory()

    created = cards_introduce(user=user, word_ids=[word.pk, word.pk + 1000], at=AT)

    assert created == 1
    assert list(ReviewCard.objects.values_list("word_id", flat=True)) == [word.pk]


def test_introducing_nothing_creates_nothing(user, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert cards_introduce(user=user, word_ids=[], at=AT) == 0


def test_each_learner_gets_a_card_of_their_own_for_the_same_word(user):
    word = WordFactory()
    other = UserFactory()

    cards_introduce(user=user, word_ids=[word.pk], at=AT)
    cards_introduce(user=other, word_ids=[word.pk], at=AT)

    assert ReviewCard.objects.filter(word=word).count() == 2


def test_introducing_requires_an_aware_datetime(user):
    with pytest.raises(ValueError, match="time-zone-aware"):
        cards_introduce(user=user, word_ids=[WordFactory().pk], at=datetime(2025, 3, 10))


def test_the_database_refuses_a_second_card_for_the_same_learner_and_word(user):
    card = ReviewCardFactory(user=user)

    with pytest.raises(IntegrityError):
        ReviewCard.objects.create(user=user, word=card.word)
