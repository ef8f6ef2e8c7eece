"""Queries and time of the class page and the progress CSV, for a small class and a large one
with a year of activity.

    python manage.py bench_classroom                         # 5 and 200 students, 365 days
    python manage.py bench_classroom --students 5 50 --days 60 --json

The goal is the number of queries: the same for both classes (every figure of the page is one
aggregate over the class). The times are shown for information: a larger class has more rows to
render. Everything is made in one transaction rolled back at the end.
"""

import statistics
import time
import uuid
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from classrooms.models import Assignment, Classroom, ClassroomTeacher, TeacherRole
from classrooms.sample import class_with_activity
from config.benchmarks import emit, figure, ratio_of
from config.timeutils import aware
from courses.models import Course, CourseStatus, Exercise, Language, Lesson, Section, Unit

LESSONS = 6
EXERCISES_PER_LESSON = 4


class Command(BaseCommand):
    help = "Benchmark the class page and the progress CSV for a small and a large class."

    def add_arguments(self, parser):
        parser.add_argument(
            "--students", nargs=2, type=int, default=[5, 200], metavar=("SMALL", "LARGE")
        )
        parser.add_argument("--days", type=int, default=365, help="Days of activity.")
        parser.add_argument("--runs", type=int, default=5, help="Timed requests per page.")
        parser.add_argument("--json", action="store_true", help="End with one JSON line.")

    def handle(self, *args, students, days, runs, json: bool = False, **options):
        small, large = students
        if not 0 < small <= large or days < 1 or runs < 1:
            raise CommandError("--students needs 0 < SMALL <= LARGE; --days and --runs >= 1.")
        self.stdout.write(
            f"Database: {connection.vendor}; students {small} and {large}, {days} days"
        )
        with transaction.atomic():
            figures = self._run(small, large, days, runs)
            transaction.set_rollback(True)
        self.stdout.write("Rolled back: nothing was kept.")
        emit(self, "classroom", figures, as_json=json)

    def _run(self, small: int, large: int, days: int, runs: int) -> list[dict]:
        tag = uuid.uuid4().hex[:8]
        teacher = User.objects.create_user(email=f"bench-teacher-{tag}@example.com")
        teacher.groups.add(Group.objects.get_or_create(name="teachers")[0])
        course = _course(tag)
        now = aware()
        classes = {}
        for size in (small, large):
            started = time.perf_counter()
            classroom = Classroom.objects.create(
                name=f"Bench {size}", course=course, join_code=f"B{size}{tag}"[:16].upper()
            )
            ClassroomTeacher.objects.create(
                classroom=classroom, teacher=teacher, role=TeacherRole.OWNER
            )
            lessons = list(course.lessons.all())
            for i in range(3):
                assignment = Assignment.objects.create(
                    classroom=classroom,
                    title=f"Week {i}",
                    xp_goal=50 * i,
                    starts_at=(now - timedelta(days=30 * i + 7)).date(),
                    due_at=(now - timedelta(days=30 * i - 7)).date(),
                )
                assignment.lessons.set(lessons[i : i + 2])
            class_with_activity(classroom, students=size, days=days, every=7, now=now)
            classes[size] = classroom
            self.stdout.write(f"class of {size} seeded in {time.perf_counter() - started:.1f} s")
        client = Client(SERVER_NAME="localhost")
        client.force_login(teacher)
        figures = []
        for page, name in (("", "class_page"), ("progress.csv", "progress_csv")):
            measured = {
                size: _measure(client, f"/teach/classrooms/{c.id}/{page}", runs)
                for size, c in classes.items()
            }
            (small_queries, small_ms), (large_queries, large_ms) = measured[small], measured[large]
            self.stdout.write(
                f"{name}: {small_queries} queries / {small_ms:.1f} ms for {small} students; "
                f"{large_queries} queries / {large_ms:.1f} ms for {large}"
            )
            figures += [
                figure(
                    f"{name}_queries_{large}_students",
                    large_queries,
                    "queries",
                    baseline=small_queries,
                    ratio=ratio_of(large_queries, small_queries),
                    goal=f"as many queries as for {small} students",
                    ok=large_queries == small_queries,
                ),
                figure(
                    f"{name}_ms_{large}_students",
                    large_ms,
                    "ms",
                    baseline=small_ms,
                    ratio=ratio_of(large_ms, small_ms),
                    goal="shown for information",
                ),
            ]
        return figures


def _course(tag: str) -> Course:
    course = Course.objects.create(
        slug=f"bench-class-{tag}",
        title=f"Bench {tag}",
        learning_language=Language.objects.create(code=f"xc-{tag}", name=f"Bench {tag}"),
        from_language=Language.objects.create(code=f"xd-{tag}", name=f"Bench source {tag}"),
        status=CourseStatus.PUBLISHED,
    )
    section = Section.objects.create(course=course, position=0, title="Section")
    unit = Unit.objects.create(section=section, position=0, title="Unit")
    for position in range(LESSONS):
        lesson = Lesson.objects.create(
            course=course, unit=unit, position=position, slug=f"l{position}", title=f"L{position}"
        )
        Exercise.objects.bulk_create(
            [
                Exercise(
                    lesson=lesson, position=n, type="translate", prompt=f"p{n}", answers=["ok"]
                )
                for n in range(EXERCISES_PER_LESSON)
            ]
        )
    return course


def _measure(client: Client, url: str, runs: int) -> tuple[int, float]:
    # The log is a bounded deque: once the seeding filled it, its length no longer grows.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
    # Read now: the next request empties the log the count is read from.
    count = len(queries)
    if response.status_code != 200:
        raise CommandError(f"GET {url} answered {response.status_code}")
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, secure=True)
        timings.append((time.perf_counter() - started) * 1000)
    return count, statistics.median(timings)
