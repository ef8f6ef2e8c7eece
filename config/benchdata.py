"""Data for the serving benchmarks (bench_serving, bench_load, bench_memory): a published course
of translate exercises and learners signed in with real tokens, all tagged so `bench_data_remove`
deletes exactly them. The server under test is another process, so the rows are committed (a
benchmark cannot roll them back as bench_reviews does) and removed when it ends.

Answers to translate exercises are `{"text": <the first accepted answer>}`: the load knows the
right answer to every exercise from the lesson's content, as a learner who learnt it would.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from accounts.services import token_pair_issue
from config.benchload import Req
from courses.models import Course, CourseStatus, Exercise, Language, Lesson, Section, Unit, Word
from exercises.types import ExerciseType
from progress.services import enrollment_create, lesson_session_start, session_answer_submit
from srs.services import cards_introduce

User = get_user_model()
API = "/api/v1"
BENCH_EMAIL_DOMAIN = "bench.invalid"
# The answers given before a benchmark starts, at most (database_settle): a few dozen pages of
# the answers table, enough for the planner to look it up by its indexes.
HISTORY_ANSWERS = 2000


@dataclass(frozen=True)
class Learner:
    id: int
    email: str
    access: str


@dataclass(frozen=True)
class BenchCourse:
    slug: str
    lesson_ids: list[int]
    # Per lesson: (exercise id, the right answer) in lesson order.
    answers: dict[int, list[tuple[int, str]]]


def _answer(lesson_number: int, exercise_number: int) -> str:
    return f"answer {lesson_number} {exercise_number}"


def course_build(
    *, tag: str, lessons: int = 300, exercises_per_lesson: int = 10, words_per_lesson: int = 5
) -> BenchCourse:
    with transaction.atomic():
        learning, _ = Language.objects.get_or_create(code="xb", defaults={"name": "Benchish"})
        source, _ = Language.objects.get_or_create(code="en", defaults={"name": "English"})
        course = Course.objects.create(
            slug=f"bench-{tag}",
            title=f"Bench {tag}",
            description="Built by a benchmark; removed when it ends.",
            learning_language=learning,
            from_language=source,
            status=CourseStatus.PUBLISHED,
            version=1,
            published_at=timezone.now(),
        )
        lessons_per_unit, units_per_section = 5, 4
        unit_count = -(-lessons // lessons_per_unit)
        sections = Section.objects.bulk_create(
            Section(course=course, position=n + 1, title=f"Section {n + 1}")
            for n in range(-(-unit_count // units_per_section))
        )
        units = Unit.objects.bulk_create(
            Unit(
                section=sections[n // units_per_section],
                position=n % units_per_section + 1,
                title=f"Unit {n + 1}",
                description="A unit.",
                guidebook="Read me first.",
                icon="star",
            )
            for n in range(unit_count)
        )
        lesson_rows = Lesson.objects.bulk_create(
            Lesson(
                course=course,
                unit=units[n // lessons_per_unit],
                position=n % lessons_per_unit + 1,
                slug=f"lesson-{n + 1}",
                title=f"Lesson {n + 1}",
            )
            for n in range(lessons)
        )
        exercises = Exercise.objects.bulk_create(
            Exercise(
                lesson=lesson,
                position=e,
                key=f"ex-{e}",
                type=ExerciseType.TRANSLATE,
                prompt=f"Prompt {n} {e}",
                answers=[_answer(n, e)],
            )
            for n, lesson in enumerate(lesson_rows, start=1)
            for e in range(1, exercises_per_lesson + 1)
        )
        Word.objects.bulk_create(
            Word(course=course, lesson=lesson, text=f"{lesson.slug}-w{w}", translations=[f"w{w}"])
            for lesson in lesson_rows
            for w in range(words_per_lesson)
        )
    answers: dict[int, list[tuple[int, str]]] = {lesson.id: [] for lesson in lesson_rows}
    for exercise in exercises:
        answers[exercise.lesson_id].append((exercise.id, exercise.answers[0]))
    return BenchCourse(
        slug=course.slug, lesson_ids=[lesson.id for lesson in lesson_rows], answers=answers
    )


def learners_build(
    *, tag: str, count: int, course: BenchCourse, review_cards: int = 0
) -> list[Learner]:
    """Learners enrolled in the course and signed in; each with `review_cards` cards due now."""
    course_row = Course.objects.get(slug=course.slug)
    word_ids = list(
        Word.objects.filter(course=course_row).order_by("id").values_list("id", flat=True)
    )[:review_cards]
    learners = []
    now = timezone.now()
    for n in range(count):
        user = User.objects.create_user(
            email=f"{tag}-{n}@{BENCH_EMAIL_DOMAIN}",
            password=None,
            display_name=f"Bench {n}",
        )
        enrollment_create(user=user, course=course_row)
        if word_ids:
            cards_introduce(user=user, word_ids=word_ids, at=now)
        learners.append(
            Learner(id=user.id, email=user.email, access=token_pair_issue(user=user).access)
        )
    return learners


def sessions_open(*, learner: Learner, lesson_id: int, count: int) -> list[int]:
    """`count` sessions of the learner on the lesson (its first is open to a new learner)."""
    user = User.objects.get(pk=learner.id)
    lesson = Lesson.objects.select_related(
        "course__learning_language", "course__from_language"
    ).get(pk=lesson_id)
    return [lesson_session_start(user=user, lesson=lesson).id for _ in range(count)]


def requests_build(
    *, tag: str, learners: int, lessons: int, exercises: int, cards: int, answers: int
) -> dict[str, list[Req]]:
    """The data, and the requests of each kind a benchmark sends: `bare` (GET /healthz),
    `answers` (at least `answers` distinct right answers), `me_stats`, `course`, `reviews_due`."""
    course = course_build(tag=tag, lessons=lessons, exercises_per_lesson=exercises)
    people = learners_build(tag=tag, count=learners, course=course, review_cards=cards)
    first = course.lesson_ids[0]
    per_learner = max(1, -(-answers // (exercises * len(people))))
    sessions = [
        (learner, session)
        for learner in people
        for session in sessions_open(learner=learner, lesson_id=first, count=per_learner)
    ]
    answer_reqs = [
        Req(
            "POST",
            f"{API}/sessions/{session}/answers/",
            learner.access,
            {"exercise": exercise, "answer": {"text": text}},
            thread=index,
        )
        # Exercise by exercise across the sessions: requests in flight at once are on different
        # sessions, as when many learners answer.
        for exercise, text in course.answers[first]
        for index, (learner, session) in enumerate(sessions)
    ]

    def reads(path):
        return [Req("GET", path, learner.access, thread=n) for n, learner in enumerate(people)]

    database_settle(course=course, people=people, answers=min(answers, HISTORY_ANSWERS))

    return {
        "bare": [Req("GET", "/healthz")],
        "answers": answer_reqs,
        "me_stats": reads(f"{API}/me/stats/"),
        "course": reads(f"{API}/courses/{course.slug}/"),
        "reviews_due": reads(f"{API}/reviews/due/"),
    }


def database_settle(*, course: BenchCourse, people: list[Learner], answers: int) -> None:
    """Make the database look like one in use before the server under test plans its queries.

    Production's tables hold history and autovacuum keeps their statistics. A benchmark's tables
    were filled a moment ago, on a server whose autovacuum may be off (it is off on the machines
    the README's figures come from), and two things then went wrong:
    - with no statistics, the due page read its words by a sequential scan of the whole table
      (0.58 ms of PostgreSQL's time where the index takes 0.05 ms);
    - an answers table analyzed while empty (`make bench` vacuums between benchmarks) made each
      server connection's prepared lookup of earlier answers a sequential scan, kept as the
      table grew: answers fell from 390 to 290 requests/s over three rounds.
    So the learners first answer `answers` exercises of earlier sessions of the first lesson
    (through the service, as learners would), and then the whole database is analyzed."""
    lesson_id = course.lesson_ids[0]
    exercises = course.answers[lesson_id]
    sessions = -(-answers // len(exercises)) if answers > 0 else 0
    # Shared out as evenly as they go: the first `sessions % len(people)` learners one more.
    for number, learner in enumerate(people):
        count = sessions // len(people) + (number < sessions % len(people))
        if not count:
            continue
        user = User.objects.get(pk=learner.id)
        for session_id in sessions_open(learner=learner, lesson_id=lesson_id, count=count):
            for exercise, text in exercises:
                session_answer_submit(
                    user=user, session_id=session_id, exercise_id=exercise, answer={"text": text}
                )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def bench_data_remove(*, tag: str) -> None:
    """Everything the benchmark tagged `tag` made: its learners (and through them their
    sessions, cards, XP...), then its course."""
    User.objects.filter(
        email__startswith=f"{tag}-", email__endswith=f"@{BENCH_EMAIL_DOMAIN}"
    ).delete()
    Course.objects.filter(slug=f"bench-{tag}").delete()
