"""The learning step: enrol, start a lesson session, answer its exercises, complete it.

Each function validates, then writes in one transaction. Answers and completions of a session lock
the session row first, so that concurrent requests for one session take turns: a retried answer
finds the first one, a retried completion finds the first result, and the hearts, XP and streak
services are called once per step. Lock order is always session first, then whatever the
gamification and srs services lock.
"""

import logging
import random
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Prefetch, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from config.api.errors import ApplicationError, Conflict, Forbidden
from config.sql import Insert
from config.transactions import transaction_opened_here
from courses.models import Course, Exercise, ExerciseOption, Lesson, Word
from exercises.error_codes import ExercisesErrorCode
from exercises.grading import AnswerKey, ExerciseType, InvalidAnswer, grade
from exercises.languages import CourseLanguages, exercise_answer_language
from gamification.error_codes import GamificationErrorCode
from gamification.rewards import rewards_collect
from gamification.selectors import hearts_state
from gamification.services import (
    XpSource,
    gems_grant,
    heart_lose,
    heart_restore,
    hearts_get,
    lesson_completed_record,
    streak_activity_record,
    streak_get,
    xp_award,
    xp_boost_apply,
)
from progress.error_codes import ProgressErrorCode
from progress.models import (
    Enrollment,
    LessonProgress,
    LessonSession,
    SessionAnswer,
    SessionStatus,
)
from progress.selectors import (
    LessonStatus,
    is_enrolled,
    lesson_next,
    lesson_session_get,
    lesson_session_lock_for_answer,
    lesson_status_for,
    lesson_to_practise_get,
    session_answers_and_hearts,
)
from social.models import FeedEventKind
from social.services import feed_event_record
from srs.services import cards_introduce

logger = logging.getLogger(__name__)

# Practice pays a third of the lesson's XP: worth doing, never worth more than new lessons.
PRACTICE_XP_DIVISOR = 3


def practice_xp(lesson: Lesson) -> int:
    if not lesson.xp_reward:
        return 0
    return max(1, lesson.xp_reward // PRACTICE_XP_DIVISOR)


def enrollment_create(*, user, course: Course) -> tuple[Enrollment, bool]:
    """Enrol the learner; enrolling again returns the existing enrolment (created False)."""
    with transaction.atomic():
        enrollment, created = Enrollment.objects.get_or_create(user=user, course=course)
        if created:
            feed_event_record(
                actor=user,
                kind=FeedEventKind.COURSE_STARTED,
                data={"course": {"slug": course.slug, "title": course.title}},
            )
        return enrollment, created


# --- Starting: the snapshot --------------------------------------------------------------------


def _url(field) -> str | None:
    return field.url if field else None


def _shuffled(items: list, rng: random.Random) -> list:
    """The items in an order other than the given one whenever another order exists: tiles in
    the answer's order, or pairs side by side, would give the solution away."""
    shuffled = list(items)
    rng.shuffle(shuffled)
    if shuffled == items and len(set(items)) > 1:
        # A rotation moves every item (ignoring repeats): the order cannot stay the same.
        shuffled = shuffled[1:] + shuffled[:1]
    return shuffled


def _exercise_snapshot(exercise: Exercise, *, seed: str, languages: CourseLanguages) -> dict:
    """Everything needed to show the exercise and to grade it; `key` never leaves the server.

    `exercise` comes with its options and words loaded."""
    # Seeded per session and exercise: a reloaded session shows the same order.
    rng = random.Random(f"{seed}:{exercise.id}")
    kind = ExerciseType(exercise.type)
    options = list(exercise.options.all())
    correct = next((o for o in options if o.is_correct), None)
    item: dict = {
        "id": exercise.id,
        "type": kind.value,
        "prompt": exercise.prompt,
        "hint": exercise.hint,
        "audio": _url(exercise.audio),
        "image": _url(exercise.image),
        "answer_language": exercise_answer_language(exercise, languages=languages),
    }
    if kind is ExerciseType.MULTIPLE_CHOICE:
        item["options"] = [
            {"id": o.id, "text": o.text, "image": _url(o.image), "audio": _url(o.audio)}
            for o in options
        ]
    elif kind is ExerciseType.WORD_BANK:
        item["tiles"] = _shuffled(list(exercise.tiles), rng)
    elif kind is ExerciseType.MATCH_PAIRS:
        item["left"] = [left for left, _right in exercise.pairs]
        item["right"] = _shuffled([right for _left, right in exercise.pairs], rng)
    item["key"] = {
        "answers": list(exercise.answers),
        "tiles": list(exercise.tiles),
        "pairs": [list(pair) for pair in exercise.pairs],
        "correct_option": str(correct.id) if correct else None,
        "correct_option_text": correct.text if correct else "",
        "explanation": exercise.explanation,
    }
    return item


def _answer_key(item: Mapping) -> AnswerKey:
    key = item["key"]
    kind = ExerciseType(item["type"])
    return AnswerKey(
        type=kind,
        answers=tuple(key["answers"]),
        tiles=tuple(key["tiles"]),
        pairs=tuple(tuple(pair) for pair in key["pairs"]),
        correct_option=key["correct_option"],
        correct_option_text=key["correct_option_text"],
        # The options shown: an id that is none of them is a malformed answer, not a mistake.
        option_ids=(
            frozenset(str(option["id"]) for option in item.get("options", ()))
            if kind is ExerciseType.MULTIPLE_CHOICE
            else None
        ),
    )


def lesson_session_start(*, user, lesson: Lesson, now: datetime | None = None) -> LessonSession:
    """Open a session on the lesson; `lesson` comes with its course, unit and section loaded.

    A lesson already completed opens a practice session, which hearts do not limit. The session
    holds a snapshot of the exercises, so an edit of the lesson later does not reach it.
    """
    now = now or timezone.now()
    if not is_enrolled(user=user, course_id=lesson.course_id):
        raise Forbidden("Enrol in the course first.", code=ProgressErrorCode.NOT_ENROLLED)
    status = lesson_status_for(user=user, lesson=lesson)
    if status == LessonStatus.LOCKED:
        raise Forbidden(
            "Complete the lessons before this one first.", code=ProgressErrorCode.LESSON_LOCKED
        )
    practice = status == LessonStatus.COMPLETED
    hearts = hearts_get(user=user, now=now)
    if not practice and hearts.count <= 0:
        raise Forbidden(
            "You have no hearts left; wait for one to come back, or practise "
            "(POST practice/hearts/) to earn one back.",
            code=GamificationErrorCode.NO_HEARTS,
        )
    return _session_open(user=user, lesson=lesson, practice=practice, hearts=hearts.count)


def practice_session_start(*, user, now: datetime | None = None) -> LessonSession:
    """Open a practice session on material the learner has met, whatever their hearts.

    The material is the lesson the learner last had a session on (the lesson just failed, most
    often), or else the lesson they last completed. Like any practice it costs no heart for a
    mistake, and finishing it gives a heart back; a lesson not completed yet earns no XP from it
    and stays as it was (practising it is not passing it). A learner who has met nothing yet
    gets 409 `nothing_to_practise`: they have never lost a heart, so the first lesson is open.
    """
    now = now or timezone.now()
    lesson = lesson_to_practise_get(user=user)
    if lesson is None:
        raise Conflict(
            "There is nothing to practise yet: start the first lesson of a course instead "
            "(a learner who has not started a lesson still has all their hearts).",
            code=ProgressErrorCode.NOTHING_TO_PRACTISE,
        )
    hearts = hearts_get(user=user, now=now)
    return _session_open(user=user, lesson=lesson, practice=True, hearts=hearts.count)


def _session_open(*, user, lesson: Lesson, practice: bool, hearts: int) -> LessonSession:
    exercises = (
        Exercise.objects.filter(lesson=lesson)
        .order_by("position")
        .prefetch_related(
            Prefetch("options", ExerciseOption.objects.order_by("position")),
            Prefetch("words", Word.objects.only("id", "text")),
        )
    )
    seed = secrets.token_hex(8)
    languages = CourseLanguages(
        learning=lesson.course.learning_language.code, source=lesson.course.from_language.code
    )
    snapshot = [
        _exercise_snapshot(exercise, seed=seed, languages=languages) for exercise in exercises
    ]
    if not snapshot:
        raise Conflict("This lesson has no exercises yet.", code=ProgressErrorCode.LESSON_EMPTY)
    session = LessonSession.objects.create(
        user=user, lesson=lesson, practice=practice, seed=seed, exercises=snapshot
    )
    session.hearts = hearts
    return session


# --- Answering ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerResult:
    correct: bool
    solution: str | list[list[str]]
    feedback: str
    hearts: int
    session_status: str


def _result(row: SessionAnswer, session: LessonSession) -> AnswerResult:
    return AnswerResult(
        correct=row.correct,
        solution=row.solution,
        feedback=row.feedback,
        hearts=row.hearts_after,
        session_status=session.status,
    )


def session_answer_submit(
    *,
    user,
    session_id: int,
    exercise_id: int,
    answer: Mapping,
    client_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> AnswerResult:
    """Grade one answer against the session's snapshot, store it, and take a heart if wrong.

    The same `client_id` again returns the first verdict and changes nothing. In a non-practice
    session a mistake costs a heart, and the last heart lost ends the session failed.

    An exercise already answered right is done: answering it again is refused with 409
    `already_answered`, the error carrying the first right verdict (`exercise`, `correct`,
    `solution`), and changes nothing (no heart, no score). A wrong answer may be followed by
    others until one is right, which is what completing the session needs.
    """
    now = now or timezone.now()
    # A lost answer is answered again, and the completion that rewards the session commits
    # durably, flushing every answer before it: an answer's commit need not wait for the disk
    # (config.transactions says what that risks), unless a caller's transaction holds it.
    asynchronously = transaction_opened_here()
    with transaction.atomic():
        session = lesson_session_lock_for_answer(
            user=user, session_id=session_id, commit_asynchronously=asynchronously
        )
        if client_id is not None:
            earlier = SessionAnswer.objects.filter(session=session, client_id=client_id).first()
            if earlier is not None:
                return _result(earlier, session)
        if not session.is_active:
            raise Conflict("This session is over.", code=ProgressErrorCode.SESSION_FINISHED)
        item = session.exercise(exercise_id)
        if item is None:
            raise ApplicationError(
                "This exercise is not part of the session.",
                code=ProgressErrorCode.EXERCISE_NOT_IN_SESSION,
            )
        earlier, hearts = session_answers_and_hearts(
            session_id=session.pk, exercise_id=exercise_id, user_id=user.pk
        )
        right = next((row for row in earlier if row.correct), None)
        if right is not None:
            raise Conflict(
                "This exercise has already been answered right; answer the others.",
                code=ProgressErrorCode.ALREADY_ANSWERED,
                extra={"exercise": exercise_id, "correct": True, "solution": right.solution},
            )
        try:
            verdict = grade(_answer_key(item), answer)
        except InvalidAnswer as error:
            raise ApplicationError(
                str(error) or "This answer does not fit the exercise.",
                code=ExercisesErrorCode.INVALID_ANSWER,
            ) from error
        except ValueError as error:
            # A key that cannot be graded is a content bug (publishing checks should stop it):
            # tell the editors through the log, and the learner without a 500.
            logger.error(
                "Exercise %s of session %s cannot be graded: %s", exercise_id, session.id, error
            )
            raise Conflict(
                "This exercise cannot be graded right now; please skip it.",
                code=ProgressErrorCode.EXERCISE_BROKEN,
            ) from error

        first_try = not earlier
        row = SessionAnswer(
            session=session,
            exercise_id=exercise_id,
            client_id=client_id,
            answer=dict(answer),
            correct=verdict.correct,
            first_try=first_try,
            match=str(verdict.match),
            solution=verdict.solution,
            feedback=verdict.feedback or "",
        )
        if verdict.correct or session.practice:
            row.hearts_after = hearts_state(hearts, now=now).count
        else:
            row.hearts_after = _lose_heart(user=user, now=now)
            if row.hearts_after <= 0:
                session.status = SessionStatus.FAILED
                session.finished_at = now
                session.save(update_fields=["status", "finished_at"])
        _answer_insert().save(row)
    return _result(row, session)


@cache
def _answer_insert() -> Insert:
    # Every answer writes one: prepared, where the ORM compiled its INSERT for longer than the
    # database ran it.
    return Insert(SessionAnswer)


def _lose_heart(*, user, now: datetime) -> int:
    try:
        return heart_lose(user=user, now=now).count
    except ApplicationError as error:
        # Hearts spent elsewhere meanwhile (another session): this mistake is the last one.
        if error.code == GamificationErrorCode.NO_HEARTS:
            return 0
        raise


# --- Completing --------------------------------------------------------------------------------


def _progress_record(*, user, lesson: Lesson, score: int, now: datetime) -> bool:
    """Count a pass of the lesson; True when it is the learner's first."""
    changes = {
        "best_score": Greatest(F("best_score"), score),
        "times_completed": F("times_completed") + 1,
        "last_completed_at": now,
    }
    progress = LessonProgress.objects.filter(user=user, lesson=lesson)
    if progress.update(**changes):
        return False
    try:
        with transaction.atomic():
            LessonProgress.objects.create(
                user=user,
                lesson=lesson,
                best_score=score,
                times_completed=1,
                first_completed_at=now,
                last_completed_at=now,
            )
    except IntegrityError:
        # Another session of the same lesson finished first and made the row.
        progress.update(**changes)
        return False
    return True


def _next_lesson(*, user, lesson: Lesson) -> dict | None:
    following = lesson_next(lesson=lesson)
    if following is None:
        return None
    return {
        "id": following.id,
        "slug": following.slug,
        "title": following.title,
        "status": lesson_status_for(user=user, lesson=following),
    }


@dataclass(frozen=True)
class SessionResult:
    """The outcome of a completed session. Kept on the session as JSON (`asdict`), so that
    completing again answers the same."""

    passed: bool
    score: int
    xp_earned: int
    streak: int
    streak_extended: bool
    hearts: int
    practice: bool = False
    next_lesson: dict | None = None
    # What the step unlocked (gamification.rewards.Reward as JSON: achievement tiers, quests,
    # gems), for the client to celebrate; stored with the rest, so a replay answers the same.
    rewards: list[dict] = field(default_factory=list)


def _exercises_owed(session: LessonSession) -> list[int]:
    """The session's exercises without a right answer yet, in the session's order."""
    right = set(
        session.answers.filter(correct=True).values_list("exercise_id", flat=True).distinct()
    )
    return [item["id"] for item in session.exercises if item["id"] not in right]


def _award(*, user, session: LessonSession, amount: int, source: XpSource, now) -> int:
    # Practice has a daily cap: replaying a short lesson all day must not farm league XP.
    cap = settings.PRACTICE_XP_DAILY_CAP if source == XpSource.PRACTICE else None
    event = amount and xp_award(
        user=user, amount=amount, source=source, source_id=session.id, at=now, daily_cap=cap
    )
    return event.amount if event else 0


def _lesson_words_introduce(*, user, lesson: Lesson, now: datetime) -> None:
    """The lesson's words become review cards (those the learner has are left alone)."""
    word_ids = Word.objects.filter(lesson=lesson).values_list("id", flat=True)
    cards_introduce(user=user, word_ids=list(word_ids), at=now)


def _lesson_finish(*, user, session: LessonSession, score: int, passed: bool, now: datetime):
    """A lesson session's pass: XP, progress, the streak and the lesson's words into reviews."""
    lesson = session.lesson
    if not passed:
        return 0, streak_get(user=user, now=now), []
    first_time = _progress_record(user=user, lesson=lesson, score=score, now=now)
    # A lesson already completed earns the practice reward, even from a session started
    # before that: starting it twice and finishing both must not pay twice in full.
    amount = lesson.xp_reward if first_time else practice_xp(lesson)
    source = XpSource.LESSON if first_time else XpSource.PRACTICE
    xp_earned = _award(user=user, session=session, amount=amount, source=source, now=now)
    if xp_earned and (
        boost := xp_boost_apply(user=user, amount=xp_earned, source_id=session.id, at=now)
    ):
        xp_earned += boost.amount
    gems = _lesson_gems_grant(user=user, lesson=lesson, first_time=first_time, perfect=score == 100)
    streak = lesson_completed_record(user=user, perfect=score == 100, at=now)
    if first_time:
        # Followers see a lesson done for the first time; practice would flood their feeds.
        feed_event_record(
            actor=user,
            kind=FeedEventKind.LESSON_COMPLETED,
            data={
                "lesson": {"id": lesson.pk, "title": lesson.title},
                "score": score,
                "xp": xp_earned,
            },
            at=now,
        )
    _lesson_words_introduce(user=user, lesson=lesson, now=now)
    return xp_earned, streak, gems


def _practice_finish(*, user, session: LessonSession, score: int, passed: bool, now: datetime):
    """A finished practice run: counted as a practice of the lesson (never as another
    completion), a heart back whatever the score, and on a pass the practice XP and the day's
    activity. Practising a lesson not completed yet earns no XP and leaves it as it was."""
    lesson = session.lesson
    changes = {"times_practised": F("times_practised") + 1, "last_practised_at": now}
    if passed:
        changes["best_score"] = Greatest(F("best_score"), score)
    completed = LessonProgress.objects.filter(user=user, lesson=lesson).update(**changes) > 0
    xp_earned = 0
    gems: list[dict] = []
    if passed:
        if completed:
            # A first perfect score pays its gems, in practice as in a lesson.
            gems = _lesson_gems_grant(
                user=user, lesson=lesson, first_time=False, perfect=score == 100
            )
            xp_earned = _award(
                user=user,
                session=session,
                amount=practice_xp(lesson),
                source=XpSource.PRACTICE,
                now=now,
            )
            # Words an editor added to the lesson since it was completed start their reviews.
            _lesson_words_introduce(user=user, lesson=lesson, now=now)
        streak = streak_activity_record(user=user, at=now)
    else:
        streak = streak_get(user=user, now=now)
    # Finishing practice (every exercise answered right) earns a heart back, pass or not: it is
    # how a learner out of hearts gets going again.
    hearts = heart_restore(user=user, amount=1, now=now).count
    return xp_earned, streak, hearts, gems


def _lesson_gems_grant(*, user, lesson: Lesson, first_time: bool, perfect: bool) -> list[dict]:
    """Gems for a lesson's first pass and its first perfect score: each once per lesson, so
    practising a lesson again earns XP but no more gems. Returns them as rewards (the shape of
    gamification.rewards.Reward) for the client to celebrate."""
    grants = [
        (first_time, settings.GEMS_LESSON_FIRST_PASS, "lesson_first_pass", "First pass of"),
        (perfect, settings.GEMS_PERFECT_LESSON, "perfect_lesson", "Perfect lesson:"),
    ]
    rewards = []
    for due, amount, source, label in grants:
        if not (due and amount):
            continue
        reason = f"{label} {lesson.title}"[:100]
        if gems_grant(
            user=user, amount=amount, reason=reason, source=source, source_id=str(lesson.pk)
        ):
            rewards.append(
                {"kind": "gems", "slug": source, "name": reason, "tier": None, "gems": amount}
            )
    return rewards


def lesson_session_complete(*, user, session_id: int, now: datetime | None = None) -> SessionResult:
    """Score the session, and on a pass award XP, record progress and the streak, start reviews.

    Every exercise must have been answered right once. The score is the share of exercises right
    on the first try; the lesson's pass score decides. Completing again returns the first result
    and awards nothing more.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session = lesson_session_get(user=user, session_id=session_id, for_update=True)
        if session.result is not None:
            return SessionResult(**session.result)
        if not session.is_active:
            raise Conflict("This session is over.", code=ProgressErrorCode.SESSION_FINISHED)
        total = len(session.exercises)
        tally = session.answers.aggregate(
            right=Count("exercise_id", filter=Q(correct=True), distinct=True),
            first_right=Count("id", filter=Q(correct=True, first_try=True)),
        )
        if tally["right"] < total:
            owed = _exercises_owed(session)
            raise Conflict(
                f"{len(owed)} exercise(s) still need a right answer.",
                code=ProgressErrorCode.SESSION_INCOMPLETE,
                extra={"exercises": owed},
            )
        lesson = session.lesson
        score = tally["first_right"] * 100 // total
        passed = score >= lesson.pass_score
        if session.practice:
            xp_earned, streak, hearts, gems = _practice_finish(
                user=user, session=session, score=score, passed=passed, now=now
            )
        else:
            xp_earned, streak, gems = _lesson_finish(
                user=user, session=session, score=score, passed=passed, now=now
            )
            hearts = hearts_get(user=user, now=now).count
        rewards = [*gems, *rewards_collect(user=user, at=now)] if passed else []
        session.status = SessionStatus.PASSED if passed else SessionStatus.FAILED
        session.score = score
        session.xp_earned = xp_earned
        session.finished_at = now
        result = SessionResult(
            passed=passed,
            score=score,
            xp_earned=xp_earned,
            streak=streak.current,
            streak_extended=streak.extended_today,
            hearts=hearts,
            practice=session.practice,
            next_lesson=_next_lesson(user=user, lesson=lesson) if passed else None,
            rewards=rewards,
        )
        session.result = asdict(result)
        session.save(update_fields=["status", "score", "xp_earned", "finished_at", "result"])
    return result
