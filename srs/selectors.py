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


@cache
def _day_select() -> Select:
    """The learner's daily limits (NULL without a settings row: the defaults) and the reviews
    done in a range of time, all of them and the new cards among them, in one row.
    Parameters: the range's start and end, the user."""
    User = get_user_model()
    log, settings = ReviewLog, ReviewSettings
    return Select(
        f"SELECT {column(settings, 'new_cards_per_day', alias='s')},"
        f" {column(settings, 'max_reviews_per_day', alias='s')},"
        f" COUNT({column(log, 'id', alias='l')}),"
        f" COUNT(CASE WHEN {column(log, 'was_new', alias='l')} THEN 1 END)"
        f" FROM {table(User)} u"
        f" LEFT JOIN {table(settings)} s"
        f" ON {column(settings, 'user', alias='s')} = {column(User, 'id', alias='u')}"
        f" LEFT JOIN {table(log)} l"
        f" ON {column(log, 'user', alias='l')} = {column(User, 'id', alias='u')}"
        f" AND {column(log, 'reviewed_at', alias='l')} >= %s"
        f" AND {column(log, 'reviewed_at', alias='l')} < %s"
        f" WHERE {column(User, 'id', alias='u')} = %s"
        f" GROUP BY {column(settings, 'new_cards_per_day', alias='s')},"
        f" {column(settings, 'max_reviews_per_day', alias='s')}",
        [
            settings._meta.get_field("new_cards_per_day"),
            settings._meta.get_field("max_reviews_per_day"),
            None,
            None,
        ],
    )


@cache
def _due_select() -> Select:
    """The due scans, `user = ? AND due <= now AND NOT suspended ORDER BY due LIMIT n`, for cards
    never reviewed and for the others in one statement, each scan stopping at its own
    limit on its own partial index. Parameters, twice (new cards, then the others): the user,
    now, the limit."""

    def scan(seen: bool) -> str:
        card = ReviewCard
        return (
            f"SELECT {column(card, 'id', alias='c')} AS id, {column(card, 'due', alias='c')} AS due"
            f" FROM {table(card)} c WHERE {column(card, 'user', alias='c')} = %s"
            f" AND NOT {column(card, 'suspended', alias='c')}"
            f" AND {column(card, 'due', alias='c')} <= %s"
            f" AND {column(card, 'last_review', alias='c')} IS {'NOT ' if seen else ''}NULL"
            f" ORDER BY {column(card, 'due', alias='c')} LIMIT %s"
        )

    return Select(
        f"SELECT id, due FROM ({scan(False)}) n UNION ALL SELECT id, due FROM ({scan(True)}) r",
        [ReviewCard._meta.get_field("id"), ReviewCard._meta.get_field("due")],
    )


def due_queue(
    *, user, now: datetime | None = None, settings: ReviewSettings | None = None
) -> DueQueue:
    """Two queries whatever the number of cards: the day's limits and counts, then two index
    range scans that each stop at the day's remaining limit.

    Both are written out (config/sql.py): on every `GET reviews/due/`, the ORM took longer to
    build these queries than the database to run them."""
    now = aware(now)
    day = local_day(user=user, at=now)
    row = _day_select().one([day.start, day.end, user.pk])
    new_per_day, max_per_day, total, new = row or (None, None, 0, 0)
    if settings is not None:
        new_per_day, max_per_day = settings.new_cards_per_day, settings.max_reviews_per_day
    new_per_day = _default("new_cards_per_day") if new_per_day is None else new_per_day
    max_per_day = _default("max_reviews_per_day") if max_per_day is None else max_per_day
    done = DoneToday(total=total, new=new)
    reviews_left = max(0, max_per_day - done.total)
    new_left = min(max(0, new_per_day - done.new), reviews_left)
    rows: list[tuple[int, datetime]] = []
    if reviews_left:
        rows = _due_select().all([user.pk, now, new_left, user.pk, now, reviews_left])
    rows.sort(key=lambda row: (row[1], row[0]))
    return DueQueue(
        card_ids=[pk for pk, _due in rows[:reviews_left]],
        done_today=done,
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
