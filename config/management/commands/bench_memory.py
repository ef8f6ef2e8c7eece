"""No leak: a web worker's memory after 20,000 requests is within 10% of what it was after 2,000.

    python manage.py bench_memory                      # 2,000 then 20,000 requests
    python manage.py bench_memory --first 200 --total 2000

Starts `make serve`'s command with one worker process (WEB_CONCURRENCY=1: the server process is
the worker), sends a mix of the hot paths (answers to distinct exercises, me/stats, the course,
reviews due, the bare view) with the Python client (it can stop at a count of requests), and
reads the process's resident memory (VmRSS) after the first `--first` requests and after
`--total`. The first requests fill what a worker keeps for good (imported code, compiled
templates and URL patterns, the database connections of its threads); what grows after them
would be a leak. Everything it built is deleted at the end.
"""

import uuid
from dataclasses import replace
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config import benchdata
from config.benchload import Served, free_port, load_run, serve_argv, server_environment
from config.benchmarks import emit, figure

# One request in five is an answer; the rest cycle through the reads and the bare view.
_MIX = ("answers", "me_stats", "course", "reviews_due", "bare")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise CommandError(f"no VmRSS for process {pid}")


def _mixed(reqs: dict, answers: list) -> list:
    """Each answer followed by one of each read; every request on a client thread of its own
    (the Python client shares them out by `thread`), so no exercise is answered twice."""
    mixed = []
    for n, answer in enumerate(answers):
        for kind in _MIX:
            item = answer if kind == "answers" else reqs[kind][n % len(reqs[kind])]
            mixed.append(replace(item, thread=len(mixed)))
    return mixed


class Command(BaseCommand):
    help = "Memory of a web worker after --first and after --total requests (goal: within 10%)."

    def add_arguments(self, parser):
        parser.add_argument("--first", type=int, default=2_000)
        parser.add_argument("--total", type=int, default=20_000)
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--lessons", type=int, default=30)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        first, total = options["first"], options["total"]
        if not 0 < first < total:
            raise CommandError("Need 0 < --first < --total.")
        tag = f"bm{uuid.uuid4().hex[:8]}"
        try:
            exercises = 10
            # A margin of a third: each client thread walks its own share of the list, and a
            # share walked twice would answer an exercise twice (a 409).
            first_answers = first * 4 // (3 * len(_MIX)) + exercises
            rest_answers = (total - first) * 4 // (3 * len(_MIX)) + exercises
            reqs = benchdata.requests_build(
                tag=tag,
                learners=4,
                lessons=options["lessons"],
                exercises=exercises,
                cards=30,
                answers=first_answers + rest_answers,
            )
            answers = reqs["answers"]
            first_run = _mixed(reqs, answers[:first_answers])
            rest_run = _mixed(reqs, answers[first_answers:])
            port = free_port()
            environment = server_environment(HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="1")
            run = {"seconds": 3600, "threads": 1, "connections": options["connections"]}
            with Served(serve_argv(), port=port, environment=environment) as served:
                [pid] = served.worker_pids()[:1]
                done = load_run(served.base, first_run, client="python", limit=first, **run)
                after_first = rss_kib(pid)
                rest = load_run(served.base, rest_run, client="python", limit=total - first, **run)
                after_total = rss_kib(pid)
        finally:
            benchdata.bench_data_remove(tag=tag)
        errors = done.errors + rest.errors
        ratio = after_total / after_first
        self.stdout.write(
            f"{done.requests + rest.requests} requests ({errors} errors) at "
            f"{rest.rate:.0f} req/s; VmRSS {after_first / 1024:.1f} MiB after {first}, "
            f"{after_total / 1024:.1f} MiB after {total}"
        )
        figures = [
            figure(
                f"worker RSS after {total:,} requests vs after {first:,}",
                after_total / 1024,
                "MiB",
                baseline=after_first / 1024,
                ratio=ratio,
                goal="<= 1.1",
                ok=ratio <= 1.1 and errors == 0,
            ),
            figure("errors", errors, "responses", goal="0", ok=errors == 0),
        ]
        emit(self, "memory", figures, as_json=options["json"])
