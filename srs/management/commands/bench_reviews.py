"""Times `GET /api/v1/reviews/due/` for a learner with few cards and one with very many.

    python manage.py bench_reviews                      # 1,000 and 1,000,000 cards
    python manage.py bench_reviews --cards 100 10000    # quicker

Everything it creates (a course, its words, two learners and their cards) is made inside one
transaction that is rolled back at the end (unless --keep), so it leaves nothing behind and
needs no slow cascade of a million deletes. Both learners' cards are alike: nine in ten were
reviewed before and fall due evenly over a year either side of now (so about half are overdue),
one in ten is new and due. The queue reads two index range scans that stop at the day's limits,
so the latency should not grow with the number of cards: the ratio printed should be near 1
(the goal is under 2).
"""

import json
import random
import statistics
import time
import uuid
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from config.benchmarks import figure
from courses.models import Course, Language, Word
from srs.models import CardState, ReviewCard

# Rows per INSERT. Each row of a card or a word is about ten parameters; 5,000 rows stay well
# under SQLite's and PostgreSQL's limits on parameters per statement while keeping round trips
# (200 per million rows) and the memory of one batch small.
BATCH_SIZE = 5000
SEEN_SHARE = 0.9


class Command(BaseCommand):
    help = "Benchmark GET reviews/due/ for a learner with few and one with many review cards."

    def add_arguments(self, parser):
        parser.add_argument(
            "--cards",
            nargs=2,
            type=int,
            default=[1_000, 1_000_000],
            metavar=("SMALL", "LARGE"),
            help="Cards of the two learners (default: 1000 1000000).",
        )
        parser.add_argument("--runs", type=int, default=15, help="Timed requests per learner.")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument(
            "--keep", action="store_true", help="Commit the seeded rows instead of rolling back."
        )
        parser.add_argument(
            "--json", action="store_true", help="Last line: the figures as JSON (make bench)."
        )

    def handle(self, *args, cards, runs, batch_size, keep, **options):
        small, large = cards
        if not 0 < small <= large:
            raise CommandError("--cards needs 0 < SMALL <= LARGE.")
        if runs < 1 or batch_size < 1:
            raise CommandError("--runs and --batch-size need at least 1.")
        self.stdout.write(f"Database: {connection.vendor}; cards: {small:,} and {large:,}")
        with transaction.atomic():
            medians = self._run(small, large, runs, batch_size)
            transaction.set_rollback(not keep)
        if not keep:
            self.stdout.write("Rolled back: nothing was kept.")
        if options.get("json"):
            ratio = medians[large] / medians[small]
            figures = [
                figure(
                    f"GET reviews/due/ with {small:,} cards", medians[small] * 1000, "ms (median)"
                ),
                figure(
                    f"GET reviews/due/ with {large:,} cards vs {small:,}",
                    medians[large] * 1000,
                    "ms (median)",
                    baseline=medians[small] * 1000,
                    ratio=ratio,
                    goal="< 2",
                    ok=ratio < 2,
                ),
            ]
            self.stdout.write(json.dumps({"bench": "reviews", "figures": figures}))

    def _run(self, small: int, large: int, runs: int, batch_size: int) -> None:
        now = timezone.now()
        tag = uuid.uuid4().hex[:8]
        course = self._course(tag)
        started = time.perf_counter()
        word_ids = self._words(course, large, batch_size)
        self.stdout.write(f"{large:,} words in {time.perf_counter() - started:.1f} s")
        learners = {}
        for count in (small, large):
            user = User.objects.create_user(email=f"bench-{count}-{tag}@example.com")
            started = time.perf_counter()
            self._cards(user, word_ids[:count], now, batch_size)
            self.stdout.write(f"{count:,} cards in {time.perf_counter() - started:.1f} s")
            learners[count] = user
        self._analyze()
        medians = {}
        for count, user in learners.items():
            timings = self._time(user, runs)
            medians[count] = statistics.median(timings)
            self.stdout.write(
                f"{count:>9,} cards: median {medians[count] * 1000:7.2f} ms "
                f"(min {min(timings) * 1000:.2f}, max {max(timings) * 1000:.2f}, {runs} runs)"
            )
        ratio = medians[large] / medians[small]
        verdict = "OK" if ratio < 2 else "TOO SLOW"
        self.stdout.write(f"ratio {large:,} / {small:,} cards: {ratio:.2f} ({verdict}, goal < 2)")
        return medians

    def _course(self, tag: str) -> Course:
        learning = Language.objects.create(code=f"xb-{tag}", name=f"Bench {tag}")
        source = Language.objects.create(code=f"xs-{tag}", name=f"Bench source {tag}")
        return Course.objects.create(
            slug=f"bench-{tag}",
            title=f"Bench {tag}",
            learning_language=learning,
            from_language=source,
        )

    def _words(self, course: Course, count: int, batch_size: int) -> list[int]:
        for start in range(0, count, batch_size):
            Word.objects.bulk_create(
                [
                    Word(course=course, text=f"palabra{n}", translations=[f"word {n}"])
                    for n in range(start, min(start + batch_size, count))
                ],
                batch_size=batch_size,
            )
        return list(Word.objects.filter(course=course).order_by("pk").values_list("pk", flat=True))

    def _cards(self, user, word_ids: list[int], now, batch_size: int) -> None:
        rng = random.Random(len(word_ids))
        year = 365 * 24 * 3600
        for start in range(0, len(word_ids), batch_size):
            batch = []
            for word_id in word_ids[start : start + batch_size]:
                if rng.random() < SEEN_SHARE:
                    due = now + timedelta(seconds=rng.uniform(-year, year))
                    batch.append(
                        ReviewCard(
                            user=user,
                            word_id=word_id,
                            state=CardState.REVIEW,
                            step=None,
                            stability=rng.uniform(1, 100),
                            difficulty=rng.uniform(1, 10),
                            due=due,
                            last_review=due - timedelta(days=rng.uniform(1, 60)),
                            reps=rng.randint(1, 20),
                            created_at=now - timedelta(days=400),
                        )
                    )
                else:
                    created = now - timedelta(seconds=rng.uniform(0, year))
                    batch.append(
                        ReviewCard(user=user, word_id=word_id, due=created, created_at=created)
                    )
            ReviewCard.objects.bulk_create(batch, batch_size=batch_size)

    def _analyze(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {ReviewCard._meta.db_table}")
                cursor.execute(f"ANALYZE {Word._meta.db_table}")
            else:
                cursor.execute("ANALYZE")

    def _time(self, user, runs: int) -> list[float]:
        client = APIClient(SERVER_NAME="localhost")
        client.force_authenticate(user=user)
        timings = []
        for run in range(runs + 1):
            started = time.perf_counter()
            response = client.get("/api/v1/reviews/due/", secure=True)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"GET reviews/due/ answered {response.status_code}")
            if run:  # the first request warms caches up and is not counted
                timings.append(elapsed)
        return timings
