"""The glue between our rows and the `fsrs` library: the library does all of the maths.

Fuzzing stays on, as the library recommends: without it, words taught in the same lesson would
fall due on the same days for ever, and a learner's reviews would come in lumps. The fuzz comes
from Python's global `random`, so a test that compares our results with the library's seeds it
identically before each of the two reviews it compares.
"""

from datetime import UTC, datetime, timedelta

import fsrs
from fsrs.scheduler import DEFAULT_PARAMETERS

from srs.models import ReviewCard, ReviewSettings

ENABLE_FUZZING = True


def utc(value: datetime | None) -> datetime | None:
    """`fsrs` accepts only datetimes whose tzinfo is `datetime.UTC` itself."""
    return value.astimezone(UTC) if value is not None else None


def scheduler_for(settings: ReviewSettings) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        parameters=settings.parameters or DEFAULT_PARAMETERS,
        desired_retention=settings.desired_retention,
        learning_steps=[timedelta(seconds=seconds) for seconds in settings.learning_steps],
        relearning_steps=[timedelta(seconds=seconds) for seconds in settings.relearning_steps],
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=ENABLE_FUZZING,
    )


def fsrs_card(card: ReviewCard) -> fsrs.Card:
    return fsrs.Card(
        card_id=card.pk,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=utc(card.due),
        last_review=utc(card.last_review),
    )


def fsrs_review(
    *,
    settings: ReviewSettings,
    card: ReviewCard,
    rating: int,
    reviewed_at: datetime,
    duration_ms: int | None = None,
) -> fsrs.Card:
    """The card's next FSRS state after this review, as the library computes it."""
    scheduler = scheduler_for(settings)
    reviewed, _log = scheduler.review_card(
        fsrs_card(card), fsrs.Rating(rating), utc(reviewed_at), duration_ms
    )
    return reviewed
