"""Reads of spaced repetition: settings, today's reviews, the due queue, the forecast.

A learner's day is the calendar day in `user.timezone`; it is turned into a UTC range once, and
every query compares stored UTC datetimes with that range.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate

from config.timeutils import aware, iso, local_day, local_midnight
from srs.exercises import answer_language, exercises_build
from srs.models import DailyReviewSession, ReviewCard, ReviewLog, ReviewSettings

logger = logging.getLogger(__name__)

# Rows of (id, time zone, reminder hour, last session date) fetched per round trip by the hourly
# job's scan of the learners: four small columns, so a large chunk costs little memory.
MORNING_SCAN_CHUNK = 5000


@dataclass(frozen=True)
class DoneToday:
    total: int
    new: int


@dataclass(frozen=True)
class DueQueue:
    """The cards the learner may review now, most overdue first, within today's limits."""

    card_ids: list[int]
    done_today: DoneToday
    new_left: int  # new cards the learner may still start today
    reviews_left: int  # reviews of any kind the learner may still do today


@dataclass(frozen=True)
class ForecastDay:
    date: date
    count: int


def review_settings_get(*, user) -> ReviewSettings:
    """The learner's settings (`user` a user or its id); an unsaved row with the defaults when
    they never changed any."""
    user_id = getattr(user, "pk", user)
    return ReviewSettings.objects.filter(user_id=user_id).first() or ReviewSettings(user_id=user_id)


def reviews_done_today(*, user, now: datetime | None = None) -> DoneToday:
    day = local_day(user=user, at=now)
    counts = ReviewLog.objects.filter(
        user=user, reviewed_at__gte=day.start, reviewed_at__lt=day.end
    ).aggregate(total=Count("id"), new=Count("id", filter=Q(was_new=True)))
    return DoneToday(total=counts["total"], new=counts["new"])


def due_cards_qs(*, user, now: datetime, new: bool):
    """The due query: `user = ? AND due <= now AND NOT suspended ORDER BY due`, for cards never
    reviewed (`new`) or the others, each kind served by its own partial index on (user, due)."""
    return ReviewCard.objects.filter(
        user=user, suspended=False, due__lte=now, last_review__isnull=new
    ).order_by("due")


def due_queue(
    *, user, now: datetime | None = None, settings: ReviewSettings | None = None
) -> DueQueue:
    """At most three queries whatever the number of cards: today's counts and two index range
    scans that each stop at the day's remaining limit (one query for both on PostgreSQL)."""
    now = aware(now)
    settings = settings or review_settings_get(user=user)
    done = reviews_done_today(user=user, now=now)
    reviews_left = max(0, settings.max_reviews_per_day - done.total)
    new_left = min(max(0, settings.new_cards_per_day - done.new), reviews_left)
    scans = []
    if new_left:
        scans.append(due_cards_qs(user=user, now=now, new=True).values_list("pk", "due")[:new_left])
    if reviews_left:
        scans.append(
            due_cards_qs(user=user, now=now, new=False).values_list("pk", "due")[:reviews_left]
        )
    rows: list[tuple[int, datetime]] = []
    if len(scans) == 2 and connection.features.supports_slicing_ordering_in_compound:
        # One round trip: both limited range scans in one UNION ALL (PostgreSQL plans each
        # on its own partial index, as when sent apart).
        rows = list(scans[0].union(scans[1], all=True))
    else:
        for scan in scans:
            rows += scan
    rows.sort(key=lambda row: (row[1], row[0]))
    return DueQueue(
        card_ids=[pk for pk, _due in rows[:reviews_left]],
        done_today=done,
        new_left=new_left,
        reviews_left=reviews_left,
    )


def cards_with_words(card_ids: list[int]) -> list[ReviewCard]:
    """The cards, their words loaded, in the order of `card_ids`, in one query."""
    cards = ReviewCard.objects.filter(pk__in=card_ids).select_related(
        "word__course__learning_language", "word__course__from_language"
    )
    by_id = {card.pk: card for card in cards}
    return [by_id[pk] for pk in card_ids if pk in by_id]


def due_reviews_get(*, user, limit: int, now: datetime | None = None) -> dict:
    """`GET reviews/due/`: the day's queue and its first `limit` cards, each with its exercise."""
    queue = due_queue(user=user, now=now)
    cards = cards_with_words(queue.card_ids[:limit])
    built = exercises_build(cards)
    return {
        "count": len(queue.card_ids),
        "new_left": queue.new_left,
        "reviews_left": queue.reviews_left,
        "results": [
            {
                "card": card.pk,
                "word": card.word,
                "exercise": {
                    **built[card.pk].as_payload(),
                    "answer_language": answer_language(built[card.pk], card.word.course),
                },
            }
            for card in cards
        ],
    }


def review_forecast(*, user, days: int, now: datetime | None = None) -> list[ForecastDay]:
    """Cards falling due on each of the learner's next `days` local days, today first; cards
    already overdue count today. One aggregate query."""
    zone = user.zone
    today = local_day(user=user, at=now).date
    horizon = local_midnight(today + timedelta(days=days), zone)
    rows = (
        ReviewCard.objects.filter(user=user, suspended=False, due__lt=horizon)
        .annotate(day=TruncDate("due", tzinfo=zone))
        .values("day")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts = dict.fromkeys((today + timedelta(days=n) for n in range(days)), 0)
    for row in rows:
        day = max(row["day"], today)
        if day in counts:
            counts[day] += row["count"]
    return [ForecastDay(date=day, count=count) for day, count in counts.items()]


def morning_learner_batches(*, now: datetime, size: int) -> Iterator[list[int]]:
    """Ids, `size` at a time, of the active learners with cards whose reminder hour has come on
    their local clock and who have no review session for their local today yet.

    One streamed query of plain values whatever the number of learners, no query per learner:
    the time zone arithmetic runs here, on each row's zone name. A learner whose zone this
    server's tz database does not know is logged and passed over, never a stop to the rest.
    """
    now = aware(now)
    default_hour = ReviewSettings._meta.get_field("reminder_hour").default
    last_session = (
        DailyReviewSession.objects.filter(user=OuterRef("pk"))
        .order_by("-local_date")
        .values("local_date")[:1]
    )
    rows = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Exists(ReviewCard.objects.filter(user=OuterRef("pk"))))
        .annotate(last_session_date=Subquery(last_session))
        .order_by("pk")
        .values_list("pk", "timezone", "review_settings__reminder_hour", "last_session_date")
    )
    batch: list[int] = []
    for pk, zone_name, reminder_hour, last_session_date in rows.iterator(MORNING_SCAN_CHUNK):
        try:
            local_now = now.astimezone(ZoneInfo(zone_name))
        except (ZoneInfoNotFoundError, ValueError):
            logger.error("Learner %s has an unknown time zone %r", pk, zone_name)
            continue
        if last_session_date is not None and last_session_date >= local_now.date():
            continue
        if local_now.hour < (default_hour if reminder_hour is None else reminder_hour):
            continue
        batch.append(pk)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def srs_export(*, user) -> dict:
    """Everything spaced repetition holds about the learner, as plain JSON values (for
    `me/export/`). Deleting the account deletes all of it: every row cascades from the user."""
    settings = ReviewSettings.objects.filter(user=user).first()
    cards = ReviewCard.objects.filter(user=user).select_related("word").order_by("pk")
    logs = ReviewLog.objects.filter(user=user).order_by("reviewed_at", "pk")
    return {
        "settings": (
            {name: getattr(settings, name) for name in ReviewSettings.EDITABLE_FIELDS}
            if settings
            else None
        ),
        "cards": [
            {
                "id": card.pk,
                "word": card.word.text,
                "word_id": card.word_id,
                "state": card.state,
                "step": card.step,
                "stability": card.stability,
                "difficulty": card.difficulty,
                "due": iso(card.due),
                "last_review": iso(card.last_review),
                "reps": card.reps,
                "lapses": card.lapses,
                "suspended": card.suspended,
                "created_at": iso(card.created_at),
            }
            for card in cards.iterator(chunk_size=2000)
        ],
        "review_logs": [
            {
                "card": log.card_id,
                "rating": log.rating,
                "reviewed_at": iso(log.reviewed_at),
                "duration_ms": log.duration_ms,
                "exercise_type": log.exercise_type,
                "correct": log.correct,
                "state_before": log.state_before,
                "state_after": log.state_after,
                "due_before": iso(log.due_before),
                "due_after": iso(log.due_after),
            }
            for log in logs.iterator(chunk_size=2000)
        ],
    }
