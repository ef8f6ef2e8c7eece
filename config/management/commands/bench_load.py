"""A realistic load: learners taking whole lessons and reviews (bench/locustfile.py), under what
`make serve` runs, for 60 seconds at the highest rate the machine sustains with a p95 under
200 ms and no errors.

    python manage.py bench_load                         # search the rate, then 60 s at it
    python manage.py bench_load --users 40 --seconds 60  # no search: 40 learners

The rate grows with the number of simulated learners (each thinks 0.5-1.5 s between requests).
Without --users it first probes: short runs (--probe-seconds) at --start learners, doubling
while a probe holds (p95 < 200 ms, no failures), then halving the step between the last good
and the first bad count; the final run is --seconds long at the best count found. A short run
before the first is not counted (the server warming up), and each run is counted from the moment
all its learners have started. Locust runs headless in a process of its own; everything built is
deleted at the end.
"""

import csv
import json
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config import benchdata
from config.benchload import Served, free_port, serve_argv, server_environment
from config.benchmarks import emit, figure

LOCUSTFILE = Path(settings.BASE_DIR) / "bench" / "locustfile.py"
P95_GOAL_MS = 200
WARM_UP_SECONDS = 20


@dataclass(frozen=True)
class Run:
    users: int
    requests: int
    failures: int
    rate: float
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def holds(self) -> bool:
        return self.requests > 0 and self.failures == 0 and self.p95_ms < P95_GOAL_MS


class Command(BaseCommand):
    help = "Locust: learners taking lessons and reviews at the highest rate with p95 < 200 ms."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, help="Simulated learners (no search).")
        parser.add_argument("--start", type=int, default=10, help="First probe's learners.")
        parser.add_argument("--max-users", type=int, default=320)
        parser.add_argument("--seconds", type=int, default=60, help="The final run.")
        parser.add_argument("--probe-seconds", type=int, default=15)
        parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY.")
        parser.add_argument("--lessons", type=int, default=100)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        if options["users"] is not None and options["users"] < 1:
            raise CommandError("--users needs at least 1.")
        if min(options["seconds"], options["probe_seconds"], options["start"]) < 1:
            raise CommandError("--seconds, --probe-seconds and --start need at least 1.")
        tag = f"bl{uuid.uuid4().hex[:8]}"
        learners = options["users"] or options["max_users"]
        try:
            with tempfile.TemporaryDirectory() as folder:
                data = Path(folder) / "data.json"
                self._build(tag, learners, options["lessons"], data)
                port = free_port()
                environment = server_environment(
                    HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY=str(options["workers"])
                )
                with Served(serve_argv(), port=port, environment=environment) as served:
                    # A new server's first requests pay for what each process loads and keeps
                    # once (its first session start took 230 ms, the next ones 20-30 ms; its
                    # first completions 200-250 ms, the next ones 80-100): a run first, not
                    # counted, so the first probe measures the server. It lasts long enough for
                    # its learners to finish a lesson (a dozen requests, each after 0.5-1.5 s
                    # of thinking): with 5 s it held no completion, and a first probe slowed by
                    # them alone once failed and ended the search at 10 learners.
                    seconds = min(WARM_UP_SECONDS, options["seconds"])
                    warm = options["users"] or options["start"]
                    self._line(
                        "warm-up", self._locust(served.base, data, folder, warm, seconds), seconds
                    )
                    users = options["users"] or self._search(served.base, data, folder, options)
                    final = self._locust(served.base, data, folder, users, options["seconds"])
                    self._line("final", final, options["seconds"])
        finally:
            benchdata.bench_data_remove(tag=tag)
        figures = [
            figure(
                f"sustained rate, {final.users} learners, {options['seconds']} s",
                final.rate,
                "req/s",
                goal="the highest with p95 < 200 ms",
                ok=final.holds,
            ),
            figure("p50", final.p50_ms, "ms"),
            figure("p95", final.p95_ms, "ms", goal=f"< {P95_GOAL_MS}", ok=final.p95_ms < 200),
            figure("p99", final.p99_ms, "ms"),
            figure("failures", final.failures, "requests", goal="0", ok=final.failures == 0),
        ]
        emit(self, "load", figures, as_json=options["json"])

    def _build(self, tag: str, learners: int, lessons: int, path: Path) -> None:
        course = benchdata.course_build(tag=tag, lessons=lessons, exercises_per_lesson=10)
        people = benchdata.learners_build(tag=tag, count=learners, course=course, review_cards=30)
        benchdata.database_settle(
            course=course, people=people, answers=min(benchdata.HISTORY_ANSWERS, 10 * learners)
        )
        answers = {
            str(exercise): text for pairs in course.answers.values() for exercise, text in pairs
        }
        path.write_text(
            json.dumps(
                {
                    "course": course.slug,
                    "lesson_ids": course.lesson_ids,
                    "answers": answers,
                    "learners": [{"access": learner.access} for learner in people],
                }
            )
        )
        self.stdout.write(f"built a course of {lessons} lessons and {learners} learners")

    def _search(self, base: str, data: Path, folder: str, options) -> int:
        seconds = options["probe_seconds"]
        good, bad, users = 0, None, options["start"]
        while users <= options["max_users"]:
            run = self._locust(base, data, folder, users, seconds)
            self._line("probe", run, seconds)
            if not run.holds:
                bad = users
                break
            good, users = users, users * 2
        if good == 0:
            return options["start"]
        if bad is not None:
            # One halving step between the last good and the first bad count.
            middle = (good + bad) // 2
            if middle > good:
                run = self._locust(base, data, folder, middle, seconds)
                self._line("probe", run, seconds)
                if run.holds:
                    good = middle
        return good

    def _locust(self, base: str, data: Path, folder: str, users: int, seconds: int) -> Run:
        prefix = Path(folder) / f"run{users}-{uuid.uuid4().hex[:6]}"
        argv = [
            sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
            "--users", str(users), "--spawn-rate", str(max(1, users // 2)),
            "--run-time", f"{seconds}s", "--host", base, "--csv", str(prefix),
            "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "5",
            # The sustained rate: counted once every learner has started (all of them start a
            # lesson within the first two seconds, a burst no steady load has).
            "--reset-stats",
        ]  # fmt: skip
        environment = server_environment(BENCH_LOAD_DATA=str(data))
        done = subprocess.run(
            argv,
            env=environment,
            capture_output=True,
            text=True,
            timeout=seconds + 120,
            check=False,
        )
        stats = Path(f"{prefix}_stats.csv")
        if not stats.exists():
            raise CommandError(f"locust wrote no statistics: {done.stderr[-2000:]}")
        with stats.open() as handle:
            rows = list(csv.DictReader(handle))
        [total] = [row for row in rows if row["Name"] == "Aggregated"]
        # Which routes make the tail: each one's count and percentiles, slowest p95 first.
        for row in sorted(rows, key=lambda row: -_ms(row["95%"])):
            if row["Name"] != "Aggregated":
                self.stdout.write(
                    f"      {row['Type']:<4} {row['Name']:<36} {int(row['Request Count']):6d}  "
                    f"p50 {_ms(row['50%']):5.0f} ms  p95 {_ms(row['95%']):5.0f} ms  "
                    f"failures {row['Failure Count']}"
                )
        return Run(
            users=users,
            requests=int(total["Request Count"]),
            failures=int(total["Failure Count"]),
            rate=float(total["Requests/s"]),
            p50_ms=_ms(total["50%"]),
            p95_ms=_ms(total["95%"]),
            p99_ms=_ms(total["99%"]),
        )

    def _line(self, what: str, run: Run, seconds: int) -> None:
        self.stdout.write(
            f"  {what}: {run.users:4d} learners, {seconds} s: {run.rate:7.1f} req/s, p50 "
            f"{run.p50_ms:.0f} ms, p95 {run.p95_ms:.0f} ms, p99 {run.p99_ms:.0f} ms, "
            f"{run.failures} failures of {run.requests} {'(holds)' if run.holds else ''}"
        )


def _ms(value: str) -> float:
    # Locust writes N/A for a route with no request since the statistics were reset (a run
    # with no request at all does not hold: Run.holds).
    return float(value) if value not in ("", "N/A") else 0.0
