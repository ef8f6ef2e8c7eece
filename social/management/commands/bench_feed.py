"""Times `GET feed/` for a learner who follows few and one who follows many (README, "The feed
at scale"): builds learners, feed events and follows with bulk_create, times each request several
times, prints both medians and their ratio. Everything it writes is rolled back unless --keep.
"""

import json
import random
import statistics
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone
from rest_framework.test import APIRequestFactory, force_authenticate

from config.benchmarks import figure
from social.api import FeedApi
from social.models import FeedEvent, FeedEventKind, Follow

User = get_user_model()
BATCH = 5000


class Command(BaseCommand):
    help = (
        "Benchmark GET feed/: a learner following --small learners against one following --large."
    )

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=10_000)
        parser.add_argument("--events", type=int, default=100_000)
        parser.add_argument("--small", type=int, default=10)
        parser.add_argument("--large", type=int, default=1_000)
        parser.add_argument("--runs", type=int, default=25)
        parser.add_argument("--page-size", type=int, default=20)
        parser.add_argument("--seed", type=int, default=10)
        parser.add_argument("--explain", action="store_true", help="Print the query plans too.")
        parser.add_argument("--keep", action="store_true", help="Keep the data it builds.")
        parser.add_argument(
            "--json", action="store_true", help="Last line: the figures as JSON (make bench)."
        )

    def handle(self, *args, **options):
        if options["large"] >= options["learners"] or options["small"] > options["large"]:
            raise CommandError("Need small <= large < learners.")
        if connection.vendor != "postgresql":
            self.stderr.write("Not PostgreSQL: the figures say little about production.")
        with transaction.atomic():
            medians = self._run(options)
            transaction.set_rollback(not options["keep"])
        if not options["keep"]:
            self.stdout.write("(the data built is rolled back)")
        if options["json"]:
            ratio = medians["large"] / medians["small"]
            figures = [
                figure(
                    f"GET feed/ following {options['small']}",
                    medians["small"] * 1000,
                    "ms (median)",
                ),
                figure(
                    f"GET feed/ following {options['large']} vs following {options['small']}",
                    medians["large"] * 1000,
                    "ms (median)",
                    baseline=medians["small"] * 1000,
                    ratio=ratio,
                    goal="< 2",
                    ok=ratio < 2,
                ),
            ]
            self.stdout.write(json.dumps({"bench": "feed", "figures": figures}))

    def _run(self, options):
        rng = random.Random(options["seed"])
        started = time.perf_counter()
        learners = self._learners(options["learners"], tag=rng.randrange(10**6))
        self._events(learners, options["events"], rng)
        readers = {}
        for name in ("small", "large"):
            reader, followees = learners[0 if name == "small" else 1], learners[2:]
            Follow.objects.bulk_create(
                Follow(follower=reader, followee=followee)
                for followee in rng.sample(followees, options[name])
            )
            readers[name] = reader
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (User, Follow, FeedEvent):
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
        self.stdout.write(
            f"built {len(learners)} learners, {FeedEvent.objects.count()} feed events in "
            f"{time.perf_counter() - started:.1f} s"
        )
        medians = {}
        for name, reader in readers.items():
            medians[name] = self._time(reader, options["runs"], options["page_size"])
            self.stdout.write(
                f"GET feed/ following {options[name]:>6}: median {medians[name] * 1000:.2f} ms "
                f"over {options['runs']} runs"
            )
            if options["explain"]:
                self._explain(reader, options["page_size"])
        ratio = medians["large"] / medians["small"]
        self.stdout.write(f"ratio large/small: {ratio:.2f}")
        return medians

    def _learners(self, count, *, tag):
        # bulk_create skips User.save, which would suggest usernames one query at a time.
        User.objects.bulk_create(
            (
                User(
                    email=f"bench{tag}.{n}@example.invalid",
                    username=f"bench{tag}_{n}",
                    display_name=f"Bench {n}",
                    password="!",  # no usable password
                )
                for n in range(count)
            ),
            batch_size=BATCH,
        )
        return list(User.objects.filter(username__startswith=f"bench{tag}_").order_by("pk"))

    def _events(self, learners, count, rng):
        now = timezone.now()
        kinds = FeedEventKind.values
        for start in range(0, count, BATCH):
            FeedEvent.objects.bulk_create(
                FeedEvent(
                    actor=rng.choice(learners),
                    kind=rng.choice(kinds),
                    data={"days": 7},
                    created_at=now - timedelta(seconds=rng.randrange(90 * 24 * 3600)),
                )
                for _ in range(min(BATCH, count - start))
            )

    def _time(self, reader, runs, page_size):
        view = FeedApi.as_view()
        factory = APIRequestFactory()
        timings = []
        for run in range(runs + 2):  # two warm-ups: caches, the plan, the connection
            request = factory.get("/api/v1/feed/", {"page_size": page_size})
            force_authenticate(request, user=reader)
            # The request factory's host, which the pages' next links are built on.
            with override_settings(ALLOWED_HOSTS=["testserver"]):
                began = time.perf_counter()
                response = view(request)
                response.render()
                elapsed = time.perf_counter() - began
            if response.status_code != 200:
                raise CommandError(f"GET feed/ answered {response.status_code}")
            if run >= 2:
                timings.append(elapsed)
        return statistics.median(timings)

    def _explain(self, reader, page_size):
        from social.selectors import feed_get

        plan = feed_get(user=reader)[:page_size].explain(analyze=connection.vendor == "postgresql")
        # The id list of a large follow set would fill the screen.
        self.stdout.write("\n".join(line[:160] for line in plan.splitlines()))
