"""Reads of spaced repetition: settings, today's reviews, the due queue, the forecast.

A learner's day is the calendar day in `user.timezone`; it is turned into a UTC range once, and
every query compares stored UTC datetimes with that range.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.fields.files import FieldFile
from django.db.models.functions import TruncDate

from config.sql import Select, column, in_list_padded, in_list_size, table
from config.timeutils import aware, iso, local_day, local_midnight
from courses.models import Course, Language, Word
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


def _least(a: str, b: str) -> str:
    # Written as CASE: SQLite has no LEAST (its two-argument min() is not PostgreSQL's).
    return f"CASE WHEN {a} < {b} THEN {a} ELSE {b} END"


def _over_zero(a: str, b: str) -> str:
    """`a - b`, or 0 when that is negative."""
    return f"CASE WHEN {a} > {b} THEN {a} - {b} ELSE 0 END"


@cache
def _queue_select() -> Select:
    """The day's queue in one statement: a first row of the reviews done today (all, and the new
    cards among them), the reviews left and the new cards left, then the due cards in two index
    range scans, `user = ? AND due <= now AND NOT suspended ORDER BY due LIMIT n`, one for cards
    never reviewed and one for the others, each on its own partial index and stopping at the
    day's remaining limit.

    Parameters: the new cards a day and the reviews a day, each as an override (None: the
    learner's setting) then as the default (without a settings row); the day's start and end;
    the user; then the user and now twice, one pair per scan."""
    User = get_user_model()
    log, review_settings, card = ReviewLog, ReviewSettings, ReviewCard

    def limit(name: str) -> str:
        # MAX of the one settings row, if any: an aggregate without GROUP BY is one row always.
        return f"COALESCE(%s, MAX({column(review_settings, name, alias='s')}), %s)"

    def scan(seen: bool, limit: str) -> str:
        return (
            f"SELECT {column(card, 'id', alias='c')} AS id, {column(card, 'due', alias='c')} AS due"
            f" FROM {table(card)} c WHERE {column(card, 'user', alias='c')} = %s"
            f" AND NOT {column(card, 'suspended', alias='c')}"
            f" AND {column(card, 'due', alias='c')} <= %s"
            f" AND {column(card, 'last_review', alias='c')} IS {'NOT ' if seen else ''}NULL"
            f" ORDER BY {column(card, 'due', alias='c')} LIMIT (SELECT {limit} FROM quota)"
        )

    day = (
        f"SELECT {limit('new_cards_per_day')} AS new_per_day,"
        f" {limit('max_reviews_per_day')} AS max_per_day,"
        f" COUNT({column(log, 'id', alias='l')}) AS total,"
        f" COUNT(CASE WHEN {column(log, 'was_new', alias='l')} THEN 1 END) AS new"
        f" FROM {table(User)} u"
        f" LEFT JOIN {table(review_settings)} s"
        f" ON {column(review_settings, 'user', alias='s')} = {column(User, 'id', alias='u')}"
        f" LEFT JOIN {table(log)} l"
        f" ON {column(log, 'user', alias='l')} = {column(User, 'id', alias='u')}"
        f" AND {column(log, 'reviewed_at', alias='l')} >= %s"
        f" AND {column(log, 'reviewed_at', alias='l')} < %s"
        f" WHERE {column(User, 'id', alias='u')} = %s"
    )
    reviews_left = _over_zero("max_per_day", "total")
    quota = (
        f"SELECT total, new, {reviews_left} AS reviews_left,"
        f" {_least(_over_zero('new_per_day', 'new'), reviews_left)} AS new_left FROM day"
    )
    return Select(
        f"WITH day AS ({day}), quota AS ({quota})"
        " SELECT NULL, NULL, total, new, reviews_left, new_left FROM quota"
        f" UNION ALL SELECT id, due, NULL, NULL, NULL, NULL FROM ({scan(False, 'new_left')}) n"
        f" UNION ALL SELECT id, due, NULL, NULL, NULL, NULL"
        f" FROM ({scan(True, 'reviews_left')}) r",
        [card._meta.get_field("id"), card._meta.get_field("due"), None, None, None, None],
    )


def due_queue(
    *, user, now: datetime | None = None, settings: ReviewSettings | None = None
) -> DueQueue:
    """One query whatever the number of cards (`_queue_select`), the learner's daily limits
    overridden by `settings` when given (its limits are never null: a null would fall back to
    the stored settings, then to the defaults). Written out (config/sql.py): on every
    `GET reviews/due/`, the ORM took longer to build these queries than the database to run
    them."""
    now = aware(now)
    day = local_day(user=user, at=now)
    overrides = (
        (None, None)
        if settings is None
        else (settings.new_cards_per_day, settings.max_reviews_per_day)
    )
    rows = _queue_select().all(
        [
            overrides[0],
            _default("new_cards_per_day"),
            overrides[1],
            _default("max_reviews_per_day"),
            day.start,
            day.end,
            user.pk,
            *(user.pk, now) * 2,
        ]
    )
    _null, _null, total, new, reviews_left, new_left = next(row for row in rows if row[0] is None)
    cards = sorted((due, pk) for pk, due, *_quota in rows if pk is not None)
    return DueQueue(
        card_ids=[pk for _due, pk in cards[:reviews_left]],
        done_today=DoneToday(total=total, new=new),
        new_left=new_left,
        reviews_left=reviews_left,
    )


def _default(name: str):
    """A review setting's value for a learner who never changed their settings."""
    return ReviewSettings._meta.get_field(name).get_default()


# What the due page reads of each card, in this order (cards_with_words unpacks it): the fields
# its exercise is built from and the page shows, nothing else.
_CARD_COLUMNS = [
    (ReviewCard, "id", "c"),
    (ReviewCard, "reps", "c"),
    *((Word, name, "w") for name in ("id", "course", "lesson", "text", "translations")),
    *((Word, name, "w") for name in ("audio", "part_of_speech")),
    (Language, "code", "ll"),
    (Language, "code", "fl"),
]


@cache
def _cards_select(count: int) -> Select:
    """`count` cards with their words and the codes of their courses' languages; `count` is
    one of a few sizes (`config.sql.in_list_size`), so each statement is prepared once."""
    selected = _CARD_COLUMNS
    placeholders = ", ".join(["%s"] * count)
    return Select(
        f"SELECT {', '.join(column(model, name, alias=alias) for model, name, alias in selected)}"
        f" FROM {table(ReviewCard)} c"
        f" INNER JOIN {table(Word)} w"
        f" ON {column(Word, 'id', alias='w')} = {column(ReviewCard, 'word', alias='c')}"
        f" INNER JOIN {table(Course)} co"
        f" ON {column(Course, 'id', alias='co')} = {column(Word, 'course', alias='w')}"
        f" INNER JOIN {table(Language)} ll ON {column(Language, 'id', alias='ll')}"
        f" = {column(Course, 'learning_language', alias='co')}"
        f" INNER JOIN {table(Language)} fl ON {column(Language, 'id', alias='fl')}"
        f" = {column(Course, 'from_language', alias='co')}"
        f" WHERE {column(ReviewCard, 'id', alias='c')} IN ({placeholders})",
        [model._meta.get_field(name) for model, name, _alias in selected],
    )


@dataclass(frozen=True, slots=True)
class DueLanguage:
    code: str


@dataclass(frozen=True, slots=True)
class DueCourse:
    learning_language: DueLanguage
    from_language: DueLanguage


@dataclass(slots=True)
class DueWord:
    """What the due page reads of a Word, under the model's attribute names, so that the
    exercise code (srs.exercises) takes it as it takes a Word. Plain values: for a page of
    cards, the ORM's instances (their `__init__`, descriptors and deferred fields) were a sixth
    of the request (cProfile)."""

    id: int
    course_id: int
    lesson_id: int | None
    text: str
    translations: object  # JSON, as stored: srs.exercises keeps the usable strings
    audio: FieldFile | str  # "" without audio, as a FileField reads
    part_of_speech: str
    course: DueCourse

    @property
    def pk(self) -> int:
        return self.id


@dataclass(frozen=True, slots=True)
class DueCard:
    """What the due page reads of a ReviewCard, under the model's attribute names."""

    id: int
    reps: int
    word: DueWord

    @property
    def pk(self) -> int:
        return self.id


def cards_with_words(card_ids: list[int]) -> list[DueCard]:
    """The cards, each with its word and the codes of its course's languages, in the order of
    `card_ids`, in one query. Only what the due page uses is read."""
    if not card_ids:
        return []
    audio_field = Word._meta.get_field("audio")
    courses: dict[int, DueCourse] = {}
    by_id: dict[int, DueCard] = {}
    for row in _cards_select(in_list_size(len(card_ids))).all(in_list_padded(card_ids)):
        card_id, reps, word_id, course_id, lesson_id, text, translations = row[:7]
        audio, part_of_speech, learning_code, from_code = row[7:]
        course = courses.get(course_id)
        if course is None:
            course = courses[course_id] = DueCourse(
                DueLanguage(learning_code), DueLanguage(from_code)
            )
        word = DueWord(
            word_id, course_id, lesson_id, text, translations, "", part_of_speech, course
        )
        if audio:
            word.audio = FieldFile(word, audio_field, audio)
        by_id[card_id] = DueCard(card_id, reps, word)
    return [by_id[pk] for pk in card_ids if pk in by_id]


def due_reviews_get(*, user, limit: int, now: datetime | None = None) -> dict:
    """`GET reviews/due/`: the day's queue and its first `limit` cards, each with its exercise,
    as plain values in DueOutputSerializer's shape (the schema): running a serializer field
    per card and per option was a tenth of the request (cProfile)."""
    queue = due_queue(user=user, now=now)
    cards = cards_with_words(queue.card_ids[:limit])
    built = exercises_build(cards)
    results = []
    for card in cards:
        word, exercise = card.word, built[card.id]
        results.append(
            {
                "card": card.id,
                "word": {"id": word.id, "part_of_speech": word.part_of_speech},
                "exercise": {
                    **exercise.as_payload(),
                    "answer_language": answer_language(exercise, word.course),
                },
            }
        )
    return {
        "count": len(queue.card_ids),
        "new_left": queue.new_left,
        "reviews_left": queue.reviews_left,
        "results": results,
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
