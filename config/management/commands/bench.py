"""`make bench`: every `bench_*` management command of the project, each with --json, on
PostgreSQL and Redis, and one table of what they measured:

    python manage.py bench                              # all of them, their default sizes
    python manage.py bench --only bench_serving bench_feed
    python manage.py bench --with "bench_reviews=--cards 1000 100000"

The commands are found by name (django.core.management.get_commands()), so a benchmark an app adds
is run without being listed here. Each runs in a process of its own (its last line of output is
its JSON: config/benchmarks.py); one that fails or prints no JSON is a row saying so, and the
command then exits non-zero. A figure is OK when it meets its goal, SHORT when it does not, and
blank when it has no goal (a figure shown for context).
"""

import json
import shlex
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from config.benchload import server_environment

COLUMNS = ("bench", "figure", "value", "unit", "baseline", "ratio", "goal", "")


def bench_commands() -> list[str]:
    return sorted(name for name in get_commands() if name.startswith("bench_"))


def parse_last_json(output: str) -> dict | None:
    for line in reversed(output.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                found = json.loads(line)
            except ValueError:
                return None
            return found if isinstance(found, dict) and "figures" in found else None
        if line:
            return None
    return None


def _number(value) -> str:
    if value is None:
        return ""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


def table_rows(results: dict[str, dict | str]) -> list[tuple[str, ...]]:
    """One row per figure; a benchmark that failed (its value a string) is one row saying why."""
    rows = []
    for command, result in results.items():
        if isinstance(result, str):
            rows.append((command, result, "", "", "", "", "", "FAILED"))
            continue
        bench = result.get("bench") or command
        for item in result["figures"]:
            verdict = {True: "OK", False: "SHORT"}.get(item.get("ok"), "")
            rows.append(
                (
                    bench,
                    str(item.get("name", "")),
                    _number(item.get("value")),
                    str(item.get("unit", "")),
                    _number(item.get("baseline")),
                    _number(item.get("ratio")),
                    str(item.get("goal", "")),
                    verdict,
                )
            )
    return rows


def table_format(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
    numeric = {2, 4, 5}

    def line(row):
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return " | ".join(cells).rstrip()

    rule = "-+-".join("-" * width for width in widths)
    return "\n".join([line(COLUMNS), rule, *(line(row) for row in rows)])


class Command(BaseCommand):
    help = "Run every bench_* command with --json on PostgreSQL and Redis; print one table."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="+", metavar="COMMAND", help="Only these commands.")
        parser.add_argument("--skip", nargs="+", metavar="COMMAND", default=[])
        parser.add_argument(
            "--with",
            dest="bench_args",
            action="append",
            default=[],
            metavar="COMMAND=ARGS",
            help='Extra arguments for one command, e.g. "bench_reviews=--cards 100 10000".',
        )
        parser.add_argument("--list", action="store_true", help="Name the commands, run none.")
        parser.add_argument("--timeout", type=int, default=1800, help="Seconds per command.")

    def _settle(self) -> None:
        """Vacuum what the benchmark left behind before the next one starts: `bench_reviews`
        rolls back two million rows, and autovacuum reclaiming them took a share of the CPU from
        whichever benchmark ran next (`GET me/stats/` under bench_serving at a third of its
        rate alone)."""
        started = time.monotonic()
        # The runner's own connection may have sat idle for as long as the benchmark ran.
        connection.close()
        try:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
        except DatabaseError as error:  # the figures matter more than the cleanup
            self.stderr.write(f"   (could not vacuum: {error})")
            return
        self.stdout.write(f"   (vacuumed in {time.monotonic() - started:.0f} s)")

    def handle(self, *args, **options):
        only, skip, timeout = options["only"], options["skip"], options["timeout"]
        names = bench_commands()
        if options["list"]:
            self.stdout.write("\n".join(names))
            return
        if connection.vendor != "postgresql" or not settings.REDIS_URL:
            raise CommandError(
                "make bench measures on PostgreSQL and Redis: set DATABASE_URL=postgres://... and "
                "REDIS_URL=redis://... (`make bench` defaults them to 127.0.0.1, as .ci/run does)."
            )
        unknown = set(only or []) - set(names)
        if unknown:
            raise CommandError(f"No such benchmark: {', '.join(sorted(unknown))}.")
        extra = {}
        for item in options["bench_args"]:
            name, _, value = item.partition("=")
            extra[name] = shlex.split(value)
        chosen = [name for name in (only or names) if name not in skip]
        results: dict[str, dict | str] = {}
        for name in chosen:
            argv = [sys.executable, "manage.py", name, *extra.get(name, []), "--json"]
            self.stdout.write(f"== {shlex.join(argv[1:])}")
            started = time.monotonic()
            try:
                done = subprocess.run(
                    argv,
                    cwd=settings.BASE_DIR,
                    env=server_environment(),
                    capture_output=True,
                    text=True,
                    timeout=timeout,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                results[name] = f"no answer within {timeout} s"
                self._settle()
                continue
            output = done.stdout
            # Its human lines, for the record; the JSON line is for the table.
            self.stdout.write(output.rstrip())
            parsed = parse_last_json(output)
            if done.returncode != 0 or parsed is None:
                reason = (done.stderr.strip().splitlines() or ["printed no JSON"])[-1]
                results[name] = f"exit {done.returncode}: {reason[:120]}"
                self.stderr.write(done.stderr[-2000:])
            else:
                results[name] = parsed
            self.stdout.write(f"   ({time.monotonic() - started:.0f} s)")
            self._settle()
        rows = table_rows(results)
        self.stdout.write("")
        self.stdout.write(table_format(rows))
        short = sum(row[-1] == "SHORT" for row in rows)
        failed = [name for name, result in results.items() if isinstance(result, str)]
        self.stdout.write(
            f"\n{len(rows)} figures from {len(results)} benchmarks: "
            f"{sum(row[-1] == 'OK' for row in rows)} OK, {short} SHORT, {len(failed)} failed"
        )
        if failed:
            raise CommandError(f"Benchmarks that did not run: {', '.join(failed)}.")
