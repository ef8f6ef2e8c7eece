"""Throughput of what `make serve` runs, against a bare Django view under the same server in the
same run, and that bare view against gunicorn's threaded workers with as many processes:

    python manage.py bench_serving          # 2 workers, 3 rounds of 3 s runs, wrk if installed
    python manage.py bench_serving --json   # and the JSON line `make bench` reads

It builds a published course of 300 lessons and a few learners (enrolled, signed in with real
tokens, with review cards due and lesson sessions open), starts the server on a free port, and
drives it with 4 client threads: the bare view (`GET /healthz`, Django's whole middleware chain
and a JSON answer, no database), `POST sessions/{id}/answers/` (right answers, each to an
exercise not answered yet), `GET me/stats/`, `GET courses/{slug}/` and `GET reviews/due/`.

Each hot path runs `--rounds` times, each time right after a run of the bare view, and its
ratio is the median of those pairs' ratios: on a shared VM the machine's speed drifts by a
third within a minute (stolen time), so a path measured far from the bare view measured the
drift as much as the path. Goals (issue 13): bare view >= 0.8 of gunicorn, answers >= 0.2 of
the bare view, the three reads >= 0.3. Everything it built is deleted at the end.
"""

import statistics
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config import benchdata
from config.benchload import (
    LoadResult,
    Req,
    Served,
    free_port,
    gunicorn_argv,
    load_run,
    serve_argv,
    server_environment,
    wrk_available,
)
from config.benchmarks import emit, figure, ratio_of

GOALS = {"answers": 0.2, "me_stats": 0.3, "course": 0.3, "reviews_due": 0.3}


class Command(BaseCommand):
    help = (
        "Benchmark make serve: a bare view against gunicorn, the hot paths against the bare view."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY (default 2).")
        parser.add_argument(
            "--threads", type=int, default=None, help="WEB_THREADS (default: the setting's)."
        )
        parser.add_argument(
            "--seconds", type=float, default=3.0, help="Per run of one path (default 3)."
        )
        parser.add_argument(
            "--rounds", type=int, default=3,
            help="Runs of each hot path, each right after a run of the bare view; a path's ratio "
            "is the median of its runs' ratios (default 3).",
        )  # fmt: skip
        parser.add_argument("--client-threads", type=int, default=4)
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--learners", type=int, default=4)
        parser.add_argument("--lessons", type=int, default=300)
        parser.add_argument("--exercises", type=int, default=10, help="Per lesson.")
        parser.add_argument("--cards", type=int, default=30, help="Review cards due per learner.")
        parser.add_argument(
            "--answers",
            type=int,
            default=12_000,
            help="Distinct right answers prepared (at most one per exercise of a session).",
        )
        parser.add_argument(
            "--client", choices=["auto", "wrk", "python"], default="auto",
            help="wrk when installed (auto), else a threaded Python client.",
        )  # fmt: skip
        parser.add_argument("--no-baseline", action="store_true", help="Skip gunicorn.")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        client = options["client"]
        if client == "auto":
            client = "wrk" if wrk_available() else "python"
        if client == "wrk" and not wrk_available():
            raise CommandError(
                "wrk is not installed (apt-get install wrk), or use --client python."
            )
        if min(options["workers"], options["learners"], options["lessons"], options["rounds"]) < 1:
            raise CommandError("--workers, --learners, --lessons and --rounds need at least 1.")
        if options["answers"] < options["rounds"] * options["client_threads"]:
            raise CommandError("--answers needs a share for each client thread in each round.")
        threads = options["threads"] or settings.WEB_THREADS
        tag = f"bs{uuid.uuid4().hex[:8]}"
        self.stdout.write(
            f"client {client}, {options['client_threads']} threads, {options['connections']} "
            f"connections; server: {options['workers']} workers x {threads} threads"
        )
        try:
            reqs = self._build(tag, options)
            figures = self._measure(reqs, client, threads, options)
        finally:
            benchdata.bench_data_remove(tag=tag)
        emit(self, "serving", figures, as_json=options["json"])

    def _build(self, tag: str, options) -> dict[str, list[Req]]:
        reqs = benchdata.requests_build(
            tag=tag,
            learners=options["learners"],
            lessons=options["lessons"],
            exercises=options["exercises"],
            cards=options["cards"],
            answers=options["answers"],
        )
        self.stdout.write(
            f"built a course of {options['lessons']} lessons, {options['learners']} learners, "
            f"{len(reqs['answers'])} answers to give"
        )
        return reqs

    def _measure(self, reqs, client, threads, options) -> list[dict]:
        seconds, workers, rounds = options["seconds"], options["workers"], options["rounds"]
        run = {
            "seconds": seconds,
            "threads": options["client_threads"],
            "connections": options["connections"],
            "client": client,
        }
        # Each round gives the answers a share of their own: an exercise answered right twice
        # would be a 409.
        answers = reqs["answers"]
        bounds = [len(answers) * n // rounds for n in range(rounds + 1)]
        answer_shares = [answers[bounds[n] : bounds[n + 1]] for n in range(rounds)]
        paired: dict[str, list[tuple[LoadResult, LoadResult]]] = {name: [] for name in GOALS}
        port = free_port()
        environment = server_environment(
            HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY=str(workers), WEB_THREADS=str(threads)
        )
        with Served(serve_argv(), port=port, environment=environment) as served:
            load_run(served.base, reqs["bare"], **(run | {"seconds": min(seconds, 2)}))  # warm
            for round_ in range(rounds):
                for name in GOALS:
                    # The bare view right before each path: the machine's speed drifts (a shared
                    # VM's stolen time), and a ratio of two runs far apart measured the drift.
                    bare = load_run(served.base, reqs["bare"], **run)
                    path = answer_shares[round_] if name == "answers" else reqs[name]
                    result = load_run(served.base, path, **run)
                    paired[name].append((bare, result))
                    self._line(f"{name} (bare {bare.rate:.0f})", result)
        for line in served.errors[:20]:
            self.stderr.write(f"  server: {line}")
        for prepared, (_bare, result) in zip(answer_shares, paired["answers"], strict=True):
            if result.requests > len(prepared):
                self.stderr.write(
                    f"{result.requests} answers were sent in a round prepared with "
                    f"{len(prepared)}: raise --answers."
                )
        baseline = None
        argv = None if options["no_baseline"] else gunicorn_argv(
            port=(port := free_port()), workers=workers, threads=threads
        )  # fmt: skip
        if argv:
            with Served(argv, port=port, environment=server_environment()) as served:
                load_run(served.base, reqs["bare"], **(run | {"seconds": min(seconds, 2)}))
                runs = [load_run(served.base, reqs["bare"], **run) for _ in range(rounds)]
                for result in runs:
                    self._line("bare (gunicorn gthread)", result)
                baseline = statistics.median(result.rate for result in runs)
        elif not options["no_baseline"]:
            self.stderr.write("gunicorn is not installed: no baseline.")

        bares = [bare for pairs in paired.values() for bare, _path in pairs]
        bare_rate = statistics.median(result.rate for result in bares)
        ratio = ratio_of(bare_rate, baseline)
        figures = [
            figure(
                "bare view (GET /healthz) vs gunicorn gthread",
                bare_rate,
                "req/s",
                baseline=baseline,
                ratio=ratio,
                goal=">= 0.8",
                ok=None if ratio is None else ratio >= 0.8,
            )
        ]
        labels = {
            "answers": "POST sessions/{id}/answers/",
            "me_stats": "GET me/stats/",
            "course": f"GET courses/{{slug}}/ ({options['lessons']} lessons)",
            "reviews_due": "GET reviews/due/",
        }
        for name, label in labels.items():
            # The pair with the median ratio (the upper one of an even number), shown whole so
            # that its ratio is its value over its baseline.
            pairs = sorted(paired[name], key=lambda pair: ratio_of(pair[1].rate, pair[0].rate) or 0)
            bare, path = pairs[len(pairs) // 2]
            ratio = ratio_of(path.rate, bare.rate) or 0.0
            figures.append(
                figure(
                    f"{label} vs bare view",
                    path.rate,
                    "req/s",
                    baseline=bare.rate,
                    ratio=ratio,
                    goal=f">= {GOALS[name]}",
                    ok=ratio >= GOALS[name] and all(run.errors == 0 for _bare, run in pairs),
                )
            )
        every = [*bares, *(path for pairs in paired.values() for _bare, path in pairs)]
        figures.append(
            figure(
                "errors (non-2xx, socket)",
                sum(result.errors for result in every),
                "responses",
                goal="0",
                ok=all(result.errors == 0 for result in every),
            )
        )
        return figures

    def _line(self, name, result) -> None:
        kinds = ", ".join(f"{kind} {n}" for kind, n in result.error_kinds.items() if n)
        self.stdout.write(
            f"  {name:<24} {result.rate:8.1f} req/s  p50 {result.p50_ms:6.1f} ms  "
            f"p95 {result.p95_ms:6.1f} ms  errors {result.errors}{f' ({kinds})' if kinds else ''}"
        )
