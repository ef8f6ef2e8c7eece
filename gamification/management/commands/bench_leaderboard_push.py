"""Times the live leaderboard: an XP award until a cohort member's WebSocket receives the new
standings, against a bare `group_send` round trip on the same channel layer and socket.

A listener connects to the leaderboard consumer (`WS /ws/leaderboard/`, past its JWT check, which
only runs at connect) in a process of its own, as another server worker would; the main thread
awards XP to the listener's cohort one award at a time, each waiting for its message. Figures:

- `push_p50`, `push_p95`: from the award's commit to the standings received (the push after the
  commit, the channel layer, the consumer re-ranking), against the same percentiles of a bare
  `group_send` of the same message (one member's new XP) through the same loop, connection and
  consumer, as baseline; goal p95 at most twice the baseline's;
- `award_p50`, `award_p95`: from calling `xp_award` to the message (the award's own transaction
  included), for information.

Needs the Redis channel layer (REDIS_URL); run it on PostgreSQL for meaningful figures. It builds
learners of its own and deletes them (with their cohorts) at the end.
"""

import json
import multiprocessing
import queue
import statistics
import uuid
from functools import partial

from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from config.realtime import group_send_wait
from gamification.leagues.membership import cohort_group, members_leave, week_of
from gamification.leagues.models import COHORT_SIZE_MAX, LeagueMember, WeeklyXp
from gamification.management.leaderboard_listener import WAIT_SECONDS, clock, listen
from gamification.services import xp_award

User = get_user_model()
GOAL_RATIO = 2.0


def _stamp(into: list[float]) -> None:
    into.append(clock())


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(share * 100) - 1]


class Command(BaseCommand):
    help = "Benchmark the live leaderboard: XP award to WebSocket message, against group_send."

    def add_arguments(self, parser):
        parser.add_argument("--awards", type=int, default=1000)
        parser.add_argument(
            "--baseline", type=int, default=None, help="Bare sends (default: as many as awards)."
        )
        parser.add_argument(
            "--cohort", type=int, default=COHORT_SIZE_MAX, help="Learners in the cohort."
        )
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON last.")

    def handle(self, *args, **options):
        awards, cohort_size = options["awards"], options["cohort"]
        baseline_runs = options["baseline"] or awards
        if awards < 1 or baseline_runs < 1 or not 2 <= cohort_size <= COHORT_SIZE_MAX:
            raise CommandError(f"Need --awards >= 1 and 2 <= --cohort <= {COHORT_SIZE_MAX}.")
        layer = get_channel_layer()
        if layer is None or "redis" not in type(layer).__module__:
            raise CommandError("Needs the Redis channel layer: set REDIS_URL.")
        if connection.vendor != "postgresql":
            self.stderr.write("Not PostgreSQL: the figures say little about production.")

        tag = uuid.uuid4().hex[:8]
        learners = self._learners(tag, cohort_size)
        try:
            figures = self._measure(learners, tag, awards, baseline_runs)
        finally:
            self._clean_up(learners)
        self._report(figures, awards, baseline_runs, cohort_size, options["json"])

    def _learners(self, tag: str, count: int) -> list:
        User.objects.bulk_create(
            User(
                email=f"benchlb{tag}.{n}@example.invalid",
                username=f"benchlb{tag}_{n}",
                display_name=f"Bench {n}",
                password="!",
            )
            for n in range(count)
        )
        learners = list(User.objects.filter(username__startswith=f"benchlb{tag}_").order_by("pk"))
        for learner in learners:
            xp_award(user=learner, amount=1, source="bonus", source_id=f"benchlb-{tag}-join")
        return learners

    def _measure(self, learners, tag, awards, baseline_runs) -> dict[str, list[float]]:
        listener = learners[0]
        member = LeagueMember.objects.select_related("cohort").get(
            user=listener, week_start=week_of(learners[0].date_joined)
        )
        rivals = [
            m.user
            for m in LeagueMember.objects.select_related("user").filter(
                cohort=member.cohort, user__in=learners[1:]
            )
        ]
        if not rivals:
            raise CommandError("No other bench learner shares the listener's cohort.")
        context = multiprocessing.get_context("spawn")
        received, ready = context.Queue(), context.Event()
        database = connection.settings_dict["NAME"]
        process = context.Process(
            target=listen, args=(listener.pk, database, received, ready), daemon=True
        )
        process.start()
        try:
            return self._timed(member, rivals, tag, awards, baseline_runs, received, ready)
        finally:
            process.join(WAIT_SECONDS)
            if process.is_alive():
                process.kill()

    def _timed(self, member, rivals, tag, awards, baseline_runs, received, ready):
        if not ready.wait(WAIT_SECONDS * 2):
            raise CommandError("The listener did not connect.")

        push, award = [], []
        for n in range(awards):
            rival = rivals[n % len(rivals)]
            committed = []
            began = clock()
            with transaction.atomic():
                # Registered first, so it runs at the commit, before the push it measures.
                transaction.on_commit(partial(_stamp, committed))
                xp_award(user=rival, amount=1, source="bonus", source_id=f"benchlb-{tag}-{n}")
            at = self._next(received)
            push.append(at - committed[0])
            award.append(at - began)

        group = cohort_group(member.cohort_id)
        rival = rivals[0]
        xp = WeeklyXp.objects.get(user=rival, week_start=member.week_start).xp
        bare = []
        for n in range(baseline_runs):
            # The message an award sends (one member's new XP, which the socket re-ranks), sent
            # by hand through the same loop and connection the pushes use.
            message = {
                "type": "standing.raised",
                "cohort": member.cohort_id,
                "user": rival.pk,
                "xp": xp + n + 1,
                "reached_at": timezone.now().isoformat(),
            }
            began = clock()
            group_send_wait(group=group, message=message)
            bare.append(self._next(received) - began)

        stop = {
            "type": "standings.push",
            "cohort": member.cohort_id,
            "standings": {"bench_stop": True},
            "reached": {},
        }
        group_send_wait(group=group, message=stop)
        return {"push": push, "award": award, "bare": bare}

    def _next(self, received) -> float:
        try:
            at = received.get(timeout=WAIT_SECONDS)
        except queue.Empty:
            raise CommandError(f"No message reached the listener within {WAIT_SECONDS}s.") from None
        if isinstance(at, str):
            raise CommandError(f"The listener failed: {at}")
        return at

    def _clean_up(self, learners) -> None:
        ids = [learner.pk for learner in learners]
        members_leave(user_ids=ids)
        WeeklyXp.objects.filter(user__in=ids).delete()
        User.objects.filter(pk__in=ids).delete()

    def _report(self, figures, awards, baseline_runs, cohort_size, as_json) -> None:
        ms = {name: [v * 1000 for v in values] for name, values in figures.items()}
        rows = []
        for share, label in ((0.5, "p50"), (0.95, "p95")):
            bare = _percentile(ms["bare"], share)
            push = _percentile(ms["push"], share)
            award = _percentile(ms["award"], share)
            ratio = push / bare if bare else None
            rows.append(
                {
                    "name": f"push_{label}",
                    "value": round(push, 3),
                    "unit": "ms",
                    "baseline": round(bare, 3),
                    "ratio": round(ratio, 2) if ratio is not None else None,
                    "goal": f"<= {GOAL_RATIO:g}x bare group_send" if label == "p95" else "",
                    "ok": (ratio <= GOAL_RATIO) if label == "p95" and ratio is not None else None,
                }
            )
            rows.append(
                {
                    "name": f"award_{label}",
                    "value": round(award, 3),
                    "unit": "ms",
                    "baseline": None,
                    "ratio": None,
                    "goal": "",
                    "ok": None,
                }
            )
        self.stdout.write(
            f"{awards} XP awards in a cohort of {cohort_size}, {baseline_runs} bare group_sends "
            f"({connection.vendor}, {type(get_channel_layer()).__name__})"
        )
        for row in rows:
            line = f"{row['name']:<10} {row['value']:>9.3f} ms"
            if row["baseline"] is not None:
                line += f"   bare group_send {row['baseline']:.3f} ms   ratio {row['ratio']:.2f}"
            if row["goal"]:
                line += f"   goal {row['goal']}: {'ok' if row['ok'] else 'NOT MET'}"
            self.stdout.write(line)
        if as_json:
            self.stdout.write(json.dumps({"bench": "leaderboard_push", "figures": rows}))
