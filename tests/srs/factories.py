from datetime import timedelta

import factory
from django.utils import timezone

from srs.models import ReviewCard, ReviewLog, ReviewSettings
from tests.accounts.factories import UserFactory
from tests.courses.factories import WordFactory


class ReviewCardFactory(factory.django.DjangoModelFactory):
    """A card as `cards_introduce` makes it: new (never reviewed), due when it was made."""

    class Meta:
        model = ReviewCard

    user = factory.SubFactory(UserFactory)
    word = factory.SubFactory(WordFactory)
    created_at = factory.LazyFunction(timezone.now)
    due = factory.LazyAttribute(lambda card: card.created_at)

    class Params:
        # A card reviewed before: in the Review state, scheduled by FSRS-like values.
        seen = factory.Trait(
            state=2,
            step=None,
            stability=5.0,
            difficulty=5.0,
            reps=3,
            last_review=factory.LazyAttribute(lambda card: card.due - timedelta(days=5)),
        )


class ReviewSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewSettings
        django_get_or_create = ["user"]

    user = factory.SubFactory(UserFactory)


class ReviewLogFactory(factory.django.DjangoModelFactory):
    """A past review of a card, as `card_review` logs it."""

    class Meta:
        model = ReviewLog

    card = factory.SubFactory(ReviewCardFactory)
    user = factory.LazyAttribute(lambda log: log.card.user)
    rating = 3
    reviewed_at = factory.LazyFunction(timezone.now)
    was_new = False
    state_before = 2
    state_after = 2
    due_before = factory.LazyAttribute(lambda log: log.reviewed_at)
    due_after = factory.LazyAttribute(lambda log: log.reviewed_at + timedelta(days=3))
    stability_after = 5.0
    difficulty_after = 5.0
