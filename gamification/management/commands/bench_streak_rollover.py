"""Times the streak rollover job against one set-based UPDATE over the same streaks.

    python manage.py bench_streak_rollover                    # 100,000 learners in 40 zones
    python manage.py bench_streak_rollover --learners 10000 --json

Every learner is due at the benchmark's instant: each had a lesson on the day before the local
day that has just ended on their calendar, and none on that day, so the job must spend a freeze
(for the `--freeze-share` holding one) or break the streak of every one of them. The baseline is
the least any rollover could cost: one UPDATE setting the same streaks' `current` to 0. Goal:
the job at most 3 times the baseline (median of `--runs`).

The learners are committed (so that PostgreSQL can vacuum between runs, as autovacuum would in
production) and deleted at the end, even after an error; each timed run is a transaction rolled
back after it, so each finds the same rows.
"""

import json
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from gamification.clock import streak_rollover
from gamification.models import InventoryItem, ShopEffect, ShopItem, Streak, StreakFreezeUse

# Rows per INSERT: a user row is about ten parameters, so 5,000 stay under every database's
# limit per statement while keeping the round trips few.
BATCH_SIZE = 5000
GOAL_RATIO = 3.0
# Zones from UTC-12 to UTC+14, with the half- and three-quarter-hour offsets.
ZONES = [
    "Etc/GMT+12", "Pacific/Pago_Pago", "Pacific/Honolulu", "Pacific/Marquesas",
    "America/Anchorage", "America/Los_Angeles", "America/Denver", "America/Chicago",
    "America/New_York", "America/Halifax", "America/St_Johns", "America/Sao_Paulo",
    "Atlantic/South_Georgia", "Atlantic/Azores", "UTC", "Europe/London", "Europe/Paris",
    "Africa/Cairo", "Europe/Moscow", "Asia/Tehran", "Asia/Dubai", "Asia/Kabul",
    "Asia/Karachi", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Dhaka", "Asia/Yangon",
    "Asia/Bangkok", "Asia/Shanghai", "Australia/Eucla", "Asia/Tokyo", "Australia/Adelaide",
    "Australia/Sydney", "Australia/Lord_Howe", "Pacific/Noumea", "Pacific/Auckland",
    "Pacific/Chatham", "Pacific/Tongatapu", "Pacific/Kiritimati", "America/Bogota",
]  # fmt: skip
AT = datetime(2026, 3, 4, 12, tzinfo=UTC)


class Command(BaseCommand):
    help = "Benchmark the streak rollover job against one set-based UPDATE over the same rows."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=100_000)
        parser.add_argument("--zones", type=int, default=len(ZONES), help=f"1 to {len(ZONES)}.")
        parser.add_argument(
            "--freeze-share", type=float, default=0.2, help="Share of learners holding a freeze."
        )
        parser.add_argument("--runs", type=int, default=5, help="Timed runs of each.")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--json", action="store_true", help="End with one JSON line.")

    def handle(self, *args, learners, zones, freeze_share, runs, batch_size, **options):
        if learners < 1 or runs < 1 or batch_size < 1 or not 1 <= zones <= len(ZONES):
            raise CommandError("--learners, --runs, --batch-size need 1 at least; --zones 1-40.")
        if not 0 <= freeze_share <= 1:
            raise CommandError("--freeze-share is a share from 0 to 1.")
        self.stdout.write(
            f"Database: {connection.vendor}; {learners:,} learners in {zones} zones, "
            f"{freeze_share:.0%} holding a freeze"
        )
        if connection.in_atomic_block:
            raise CommandError(
                "Run it outside a transaction: it commits its rows, then deletes them."
            )
        self.tag = uuid.uuid4().hex[:8]
        started = time.perf_counter()
        try:
            with transaction.atomic():
                first, last = self._seed(learners, ZONES[:zones], freeze_share, batch_size)
            seeded = time.perf_counter() - started
            self.stdout.write(f"Seeded in {seeded:.1f} s")
            figures = self._measure(learners, freeze_share, runs, first, last, seeded)
        finally:
            self._clean_up()
        if options["json"]:
            self.stdout.write(json.dumps({"bench": "streak_rollover", "figures": figures}))

    def _measure(self, learners, freeze_share, runs, first, last, seeded) -> list[dict]:
        self._vacuum()
        # One untimed pass of each first, so neither pays alone for warming the caches.
        self._timed(lambda: self._baseline(first, last))
        self._timed(lambda: streak_rollover(at=AT))
        baseline_times, job_times = [], []
        frozen = int(learners * freeze_share)
        summary: dict = {}
        for _ in range(runs):
            baseline_times.append(self._timed(lambda: self._baseline(first, last))[0])
            seconds, summary = self._timed(lambda: streak_rollover(at=AT))
            job_times.append(seconds)
            if (summary["freezes_spent"], summary["streaks_broken"]) != (
                frozen,
                learners - frozen,
            ):
                raise CommandError(f"The job did not roll every learner over: {summary}")
        baseline = statistics.median(baseline_times)
        job = statistics.median(job_times)
        ratio = job / baseline
        ok = ratio <= GOAL_RATIO
        self.stdout.write(
            f"one UPDATE of {learners:,} streaks: median {baseline * 1000:8.1f} ms "
            f"(min {min(baseline_times) * 1000:.1f}, {runs} runs)\n"
            f"the rollover job ({summary['groups']} groups of zones, {frozen:,} freezes spent, "
            f"{learners - frozen:,} streaks broken): median {job * 1000:8.1f} ms "
            f"(min {min(job_times) * 1000:.1f})\n"
            f"ratio: {ratio:.2f} ({'OK' if ok else 'TOO SLOW'}, goal at most {GOAL_RATIO:g})"
        )
        return [
            {
                "name": f"rollover of {learners} learners",
                "value": round(job, 4),
                "unit": "s",
                "baseline": round(baseline, 4),
                "ratio": round(ratio, 2),
                "goal": f"<= {GOAL_RATIO:g}x one set-based UPDATE",
                "ok": ok,
            },
            {
                "name": f"seeding {learners} learners",
                "value": round(seeded, 2),
                "unit": "s",
                "baseline": None,
                "ratio": None,
                "goal": "information",
                "ok": None,
            },
        ]

    def _timed(self, call) -> tuple[float, object]:
        """Times `call` in a transaction rolled back after it, so every run finds the same rows;
        then vacuums, so no run pays for the dead rows the one before left."""
        with transaction.atomic():
            started = time.perf_counter()
            result = call()
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
        self._vacuum()
        return elapsed, result

    def _vacuum(self) -> None:
        if connection.vendor != "postgresql":
            return
        tables = [
            model._meta.db_table
            for model in (get_user_model(), Streak, StreakFreezeUse, InventoryItem)
        ]
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE " + ", ".join(tables))

    def _clean_up(self) -> None:
        """Deletes the benchmark's learners and their rows, without the ORM's cascade (which
        would load them)."""
        User = get_user_model()
        learners = User.objects.filter(email__startswith=f"bench-{self.tag}-").values("pk")
        with transaction.atomic():
            for model in (StreakFreezeUse, InventoryItem, Streak):
                model.objects.filter(user_id__in=learners)._raw_delete(model.objects.db)
            User.objects.filter(email__startswith=f"bench-{self.tag}-")._raw_delete(User.objects.db)
        ShopItem.objects.filter(slug=f"bench-freeze-{self.tag}").delete()
        self.stdout.write("Cleaned up: the benchmark's learners are gone.")

    def _baseline(self, first: int, last: int) -> None:
        Streak.objects.filter(pk__gte=first, pk__lte=last, current__gt=0).update(current=0)

    def _seed(self, learners, zones, freeze_share, batch_size) -> tuple[int, int]:
        """Learners with their streaks and freezes; returns the first and last learner's id."""
        User = get_user_model()
        tag = self.tag
        item = ShopItem.objects.filter(effect=ShopEffect.STREAK_FREEZE).first()
        if item is None:
            item = ShopItem.objects.create(
                slug=f"bench-freeze-{tag}",
                name="Streak freeze",
                price=10,
                effect=ShopEffect.STREAK_FREEZE,
            )
        holders = int(learners * freeze_share)
        ids: list[int] = []
        for start in range(0, learners, batch_size):
            numbers = range(start, min(start + batch_size, learners))
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"bench-{tag}-{n}@example.com",
                        username=f"b{tag}{n}",
                        timezone=zones[n % len(zones)],
                        password="!",  # unusable: no hashing for a hundred thousand learners
                    )
                    for n in numbers
                ],
                batch_size=batch_size,
            )
            streaks, freezes = [], []
            for n, user in zip(numbers, users, strict=True):
                zone = ZoneInfo(user.timezone)
                ended = AT.astimezone(zone).date() - timedelta(days=1)
                active = datetime.combine(ended - timedelta(days=1), clock_time(12), tzinfo=zone)
                streaks.append(
                    Streak(
                        user=user,
                        current=7,
                        longest=7,
                        last_active_date=active.date(),
                        last_active_at=active,
                    )
                )
                # Exactly `holders` of them, spread evenly over the learners (and so the zones).
                if (n + 1) * holders // learners != n * holders // learners:
                    freezes.append(InventoryItem(user=user, item=item, quantity=1))
            Streak.objects.bulk_create(streaks, batch_size=batch_size)
            InventoryItem.objects.bulk_create(freezes, batch_size=batch_size)
            ids.extend(user.pk for user in users)
        return min(ids), max(ids)
