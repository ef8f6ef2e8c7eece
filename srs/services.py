"""Every write of spaced repetition: cards from taught words, reviews, settings, daily sessions.

Each service validates, then writes in one transaction. A review locks its card
(`select_for_update`), so two answers to the same card cannot both schedule it from the same
state.
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from config.api.error_codes import ApiErrorCode
from config.api.errors import ApplicationError, Conflict, NotFound
from config.timeutils import aware, local_day
from courses.models import Word
from exercises.error_codes import ExercisesErrorCode
from exercises.grading import InvalidAnswer, Match, Verdict, grade
from gamification.rewards import rewards_collect
from gamification.selectors import stats_get
from gamification.services import (
    XpSource,
    review_done_record,
    words_learned_record,
    xp_award,
)
from srs import exercises, notifications
from srs.error_codes import SrsErrorCode
from srs.models import (
    CardState,
    DailyReviewSession,
    Rating,
    ReviewCard,
    ReviewLog,
    ReviewSettings,
)
from srs.scheduling import fsrs_review
from srs.selectors import (
    due_queue,
    morning_learner_batches,
    review_settings_get,
    reviews_done_today,
)

__all__ = [
    "REVIEW_XP",
    "ReviewOutcome",
    "card_answer",
    "card_review",
    "cards_introduce",
    "daily_reviews_prepare",
    "daily_session_prepare",
    "rating_for",
    "review_settings_update",
]

logger = logging.getLogger(__name__)

REVIEW_XP = 1
# Learners per batch of the morning job (one Celery task each, see srs.tasks). Each learner costs
# about ten queries and perhaps an email and a push, so 200 take well under a minute even with a
# slow mail server: far inside the task time limit, however many learners wake in the same hour.
LEARNERS_PER_BATCH = 200


# --- Cards -------------------------------------------------------------------------------------


def cards_introduce(*, user, word_ids: Iterable[int], at: datetime) -> int:
    """Gives the learner a review card, due at once, for each word that has none yet.

    Returns how many cards were missing (and so created). Words that do not exist are skipped.
    Safe to call again and concurrently: the unique (user, word) key with `ignore_conflicts`
    means a card is never made twice; under a race the count may include a card the other
    caller made first.
    """
    at = aware(at)
    ids = {int(word_id) for word_id in word_ids}
    if not ids:
        return 0
    with transaction.atomic():
        missing = list(
            Word.objects.filter(pk__in=ids)
            .exclude(review_cards__user=user)
            .values_list("pk", flat=True)
        )
        ReviewCard.objects.bulk_create(
            [ReviewCard(user=user, word_id=word_id, due=at, created_at=at) for word_id in missing],
            ignore_conflicts=True,
        )
        if missing:
            words_learned_record(user=user, count=len(missing))
    return len(missing)


# --- Reviews -----------------------------------------------------------------------------------


def _review(
    card: ReviewCard,
    *,
    rating: Rating,
    reviewed_at: datetime,
    duration_ms: int | None,
    exercise_type: str = "",
    correct: bool | None = None,
    settings: ReviewSettings | None = None,
) -> ReviewLog:
    """Schedules a card already locked by the caller's transaction and logs the review."""
    settings = settings or review_settings_get(user=card.user_id)
    before_state, before_due, was_new = card.state, card.due, card.last_review is None
    reviewed = fsrs_review(
        settings=settings,
        card=card,
        rating=rating,
        reviewed_at=reviewed_at,
        duration_ms=duration_ms,
    )
    if before_state == CardState.REVIEW and rating == Rating.AGAIN:
        card.lapses += 1
    card.reps += 1
    card.state = int(reviewed.state)
    card.step = reviewed.step
    card.stability = reviewed.stability
    card.difficulty = reviewed.difficulty
    card.due = reviewed.due
    card.last_review = reviewed.last_review
    card.save(
        update_fields=[
            "state",
            "step",
            "stability",
            "difficulty",
            "due",
            "last_review",
            "reps",
            "lapses",
        ]
    )
    return ReviewLog.objects.create(
        card=card,
        user_id=card.user_id,
        rating=rating,
        reviewed_at=reviewed.last_review,
        duration_ms=duration_ms,
        was_new=was_new,
        exercise_type=exercise_type,
        correct=correct,
        state_before=before_state,
        state_after=card.state,
        due_before=before_due,
        due_after=card.due,
        stability_after=card.stability,
        difficulty_after=card.difficulty,
    )


def _rating(value) -> Rating:
    if isinstance(value, bool):
        raise ValueError(f"Not a rating: {value!r}.")
    return Rating(value)


def card_review(
    *, card: ReviewCard, rating: int, reviewed_at: datetime, duration_ms: int | None = None
) -> ReviewCard:
    """Applies one FSRS review (the `fsrs` library, with the learner's settings) to the card,
    writes it and its log row in one transaction, and returns the updated card."""
    rating = _rating(rating)
    reviewed_at = aware(reviewed_at)
    with transaction.atomic():
        locked = ReviewCard.objects.select_for_update().get(pk=card.pk)
        _review(locked, rating=rating, reviewed_at=reviewed_at, duration_ms=duration_ms)
    return locked


def rating_for(*, verdict: Verdict, duration_ms: int | None = None) -> Rating:
    """Wrong: Again. Right with an accent or typo note, or slower than SRS_SLOW_MS: Hard. Right
    within SRS_EASY_MS: Easy. Otherwise right: Good."""
    if not verdict.correct:
        return Rating.AGAIN
    if verdict.match in (Match.ACCENT, Match.TYPO):
        return Rating.HARD
    if duration_ms is not None and duration_ms > django_settings.SRS_SLOW_MS:
        return Rating.HARD
    if duration_ms is not None and duration_ms <= django_settings.SRS_EASY_MS:
        return Rating.EASY
    return Rating.GOOD


@dataclass(frozen=True)
class ReviewOutcome:
    card: ReviewCard
    log: ReviewLog
    rating: Rating
    correct: bool
    feedback: str
    solution: str
    xp_earned: int
    # What the answer unlocked (gamification.rewards.Reward as JSON), for the client to celebrate.
    rewards: list[dict]


def _daily_limits_check(*, user, card: ReviewCard, settings: ReviewSettings, now: datetime):
    """The day's limits bind answers as they bind `GET reviews/due/` (`selectors.due_queue`):
    reviews of the learner's local day, whatever the card, stop at `max_reviews_per_day`, and a
    card's first review also needs one of the day's `new_cards_per_day`. The order of the due
    cards is the queue's advice, not a rule: any due card may be answered while the day has room.
    """
    done = reviews_done_today(user=user, now=now)
    if done.total >= settings.max_reviews_per_day:
        raise Conflict(
            f"You have done today's {settings.max_reviews_per_day} reviews; come back tomorrow.",
            code=SrsErrorCode.REVIEW_LIMIT_REACHED,
        )
    if card.last_review is None and done.new >= settings.new_cards_per_day:
        raise Conflict(
            f"You have started today's {settings.new_cards_per_day} new cards; this one waits "
            "until tomorrow.",
            code=SrsErrorCode.NEW_CARD_LIMIT_REACHED,
        )


def card_answer(
    *,
    user,
    card_id: int,
    answer: Mapping[str, Any] | None = None,
    rating: int | None = None,
    duration_ms: int | None = None,
    now: datetime | None = None,
) -> ReviewOutcome:
    """Grades an answer to a due card's exercise (or takes the learner's own rating), schedules
    the card, logs the review, awards review XP: all of it or nothing.

    Refused: a card that is not the learner's (404 `card_not_found`), suspended or not yet due
    (409), past the day's limits (409 `review_limit_reached`, `new_card_limit_reached`), an
    answer of the wrong shape (400 `invalid_answer`).

    Review XP (REVIEW_XP) is paid only for an answer graded right, up to
    SRS_REVIEW_XP_DAILY_CAP on the learner's local day: a self-rating proves nothing, so it
    schedules the card but earns nothing, and XP cannot be farmed.
    """
    now = aware(now)
    if (answer is None) == (rating is None):
        raise ApplicationError(
            "Send either an answer or a rating.", code=SrsErrorCode.RATING_REQUIRED
        )
    if rating is not None:
        rating = _rating(rating)
    with transaction.atomic():
        # The learner's row is the lock of their day's count: two answers to different cards
        # would otherwise both count the same reviews and both take the day's last one.
        # NO KEY: rows referring to the learner (logs, XP) can still be inserted meanwhile.
        list(
            get_user_model()
            .objects.select_for_update(no_key=True)
            .filter(pk=user.pk)
            .values_list("pk", flat=True)
        )
        card = (
            ReviewCard.objects.select_for_update(of=("self",))
            .select_related("word")
            .filter(user=user, pk=card_id)
            .first()
        )
        if card is None:
            raise NotFound("There is no such review card.", code=SrsErrorCode.CARD_NOT_FOUND)
        if card.suspended:
            raise Conflict("This card is suspended.", code=SrsErrorCode.CARD_SUSPENDED)
        if card.due > now:
            raise Conflict(
                f"This card is not due until {card.due.isoformat()}.",
                code=SrsErrorCode.CARD_NOT_DUE,
            )
        settings = review_settings_get(user=user)
        _daily_limits_check(user=user, card=card, settings=settings, now=now)
        word = card.word
        kind = exercises.review_kind(card, word)
        correct: bool | None = None
        feedback, solution = "", exercises.solution(card, word)
        if answer is not None:
            key = exercises.answer_key(card, word, answer)
            if key is None:
                raise ApplicationError(
                    "This card has no exercise to answer; rate how well you knew it.",
                    code=SrsErrorCode.RATING_REQUIRED,
                )
            try:
                verdict = grade(key, answer)
            except InvalidAnswer as error:
                raise ApplicationError(
                    str(error),
                    code=ExercisesErrorCode.INVALID_ANSWER,
                    fields={"answer": [str(error)]},
                ) from None
            rating = rating_for(verdict=verdict, duration_ms=duration_ms)
            correct, feedback, solution = verdict.correct, verdict.feedback, str(verdict.solution)
        log = _review(
            card,
            rating=rating,
            reviewed_at=now,
            duration_ms=duration_ms,
            exercise_type=kind,
            correct=correct,
            settings=settings,
        )
        event = None
        if correct:
            event = xp_award(
                user=user,
                amount=REVIEW_XP,
                source=XpSource.REVIEW,
                source_id=log.pk,
                at=now,
                daily_cap=django_settings.SRS_REVIEW_XP_DAILY_CAP,
            )
        review_done_record(user=user, at=now)
        rewards = rewards_collect(user=user, at=now)
    return ReviewOutcome(
        card=card,
        log=log,
        rating=rating,
        correct=correct if correct is not None else rating != Rating.AGAIN,
        feedback=feedback,
        solution=solution,
        xp_earned=event.amount if event else 0,
        rewards=rewards,
    )


# --- Settings ----------------------------------------------------------------------------------


def review_settings_update(*, user, **changes) -> ReviewSettings:
    """Changes some of the learner's review settings, creating the row on first change."""
    unknown = set(changes) - set(ReviewSettings.EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown review settings: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        settings, _ = ReviewSettings.objects.select_for_update().get_or_create(user=user)
        for name, value in changes.items():
            setattr(settings, name, value)
        try:
            # The user is given; its one-to-one uniqueness is the get_or_create's business.
            settings.full_clean(exclude=["user"], validate_unique=False)
        except DjangoValidationError as error:
            raise ApplicationError(
                "Some settings are not valid.", code=ApiErrorCode.INVALID, fields=error.message_dict
            ) from error
        settings.save()
    return settings


# --- The morning job ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PrepareResult:
    sessions_created: int
    reminders_sent: int


def _studied_today(*, user, queue, now: datetime) -> bool:
    if queue.done_today.total:
        return True
    return stats_get(user=user, now=now).xp_today > 0


def _reminder_send(*, user, size: int) -> None:
    title = "Your words are waiting"
    body = f"You have {size} word{'s' if size != 1 else ''} to review today."
    send_mail(title, body, None, [user.email])
    try:
        notifications.send_push(user, title, body)
    except Exception:
        # The mail has gone: rolling the session back now would send it again on the next run.
        logger.exception("Could not push today's reminder to learner %s", user.pk)


def daily_session_prepare(
    *, user, now: datetime | None = None, settings: ReviewSettings | None = None
) -> DailyReviewSession | None:
    """Builds the learner's session for today (the queue snapshot) and sends today's reminder
    when it is due; None when the learner's morning has not come yet or today's session exists.

    Everything in one transaction: a reminder mail that fails to send rolls its session back, so
    the next run tries again; one that was sent is marked, so no run sends it twice. The push
    comes after the mail and is not retried: a failed push is logged and the session kept.
    """
    now = aware(now)
    settings = settings or review_settings_get(user=user)
    local_now = now.astimezone(user.zone)
    if local_now.hour < settings.reminder_hour:
        return None
    today = local_day(user=user, at=now).date
    with transaction.atomic():
        try:
            with transaction.atomic():
                session = DailyReviewSession.objects.create(
                    user=user, local_date=today, created_at=now
                )
        except IntegrityError:
            return None  # another run made today's session
        queue = due_queue(user=user, now=now, settings=settings)
        session.card_ids = queue.card_ids
        session.size = len(queue.card_ids)
        if (
            settings.reminders_enabled
            and session.size
            and not _studied_today(user=user, queue=queue, now=now)
        ):
            _reminder_send(user=user, size=session.size)
            session.reminder_sent_at = now
        session.save(update_fields=["card_ids", "size", "reminder_sent_at"])
    return session


def daily_reviews_prepare(
    *, user_ids: Iterable[int] | None = None, now: datetime | None = None
) -> PrepareResult:
    """Today's session and reminder for each of `user_ids` (by default every learner whose
    morning has come: `srs.selectors.morning_learner_batches`). Learners whose morning has not
    come, or who have today's session already, are passed over, so a batch run late or twice
    does no harm."""
    now = aware(now)
    if user_ids is None:
        batches = morning_learner_batches(now=now, size=LEARNERS_PER_BATCH)
    else:
        batches = [list(user_ids)]
    created = sent = 0
    for batch in batches:
        learners = (
            get_user_model()
            .objects.filter(pk__in=batch, is_active=True)
            .select_related("review_settings")
            .order_by("pk")
        )
        for user in learners:
            # select_related caches a missing settings row too: no query for the defaults.
            settings = getattr(user, "review_settings", None) or ReviewSettings(user=user)
            try:
                session = daily_session_prepare(user=user, now=now, settings=settings)
            except Exception:
                # One learner's failure (a mail server refusing an address) must not stop the rest.
                logger.exception("Could not prepare today's reviews of learner %s", user.pk)
                continue
            if session is not None:
                created += 1
                sent += session.reminder_sent_at is not None
    return PrepareResult(sessions_created=created, reminders_sent=sent)
