"""The benchmarks run (tiny, so they cannot rot unnoticed) and print the JSON `make bench` reads.
Nothing here times anything: the figures' values are not asserted, only their shape."""

import json
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from config import benchdata
from config.benchmarks import figure
from config.management.commands import bench_load
from config.management.commands.bench import (
    bench_commands,
    parse_last_json,
    table_format,
    table_rows,
)
from courses.models import Course, Word
from progress.models import SessionAnswer

FIGURE_KEYS = {"name", "value", "unit", "baseline", "ratio", "goal", "ok"}


def assert_bench_json(output: str, bench: str) -> list[dict]:
    last = output.strip().splitlines()[-1]
    found = json.loads(last)
    assert found["bench"] == bench
    assert found["figures"]
    for item in found["figures"]:
        assert set(item) == FIGURE_KEYS
        assert isinstance(item["name"], str) and isinstance(item["unit"], str)
        assert isinstance(item["value"], float)
        assert item["baseline"] is None or isinstance(item["baseline"], float)
        assert item["ratio"] is None or isinstance(item["ratio"], float)
        assert isinstance(item["goal"], str)
        assert item["ok"] in (True, False, None)
    return found["figures"]


def _run(name: str, *args) -> str:
    out = StringIO()
    call_command(name, *args, "--json", stdout=out, stderr=StringIO())
    return out.getvalue()


def _nothing_left() -> None:
    assert not Course.objects.filter(slug__startswith="bench-").exists()
    assert not get_user_model().objects.filter(email__endswith="@bench.invalid").exists()


# --- make bench's runner -----------------------------------------------------------------------


def test_every_bench_command_is_found_by_name():
    assert {"bench_serving", "bench_load", "bench_memory", "bench_reviews", "bench_feed"} <= set(
        bench_commands()
    )
    assert "bench" not in bench_commands()


def test_the_table_has_a_row_per_figure_and_says_ok_short_or_failed():
    results = {
        "bench_a": {
            "bench": "a",
            "figures": [
                figure(
                    "fast", 1234.5, "req/s", baseline=1000.0, ratio=1.2345, goal=">= 1", ok=True
                ),
                figure("slow", 3.0, "ms", goal="< 2", ok=False),
                figure("context", 7.0, "MiB"),
            ],
        },
        "bench_b": "exit 1: boom",
    }

    rows = table_rows(results)
    text = table_format(rows)

    assert [row[-1] for row in rows] == ["OK", "SHORT", "", "FAILED"]
    assert rows[0][:7] == ("a", "fast", "1,234", "req/s", "1,000", "1.23", ">= 1")
    header, rule, *lines = text.splitlines()
    assert [cell.strip() for cell in header.split(" | ")][:3] == ["bench", "figure", "value"]
    assert len(lines) == 4 and set(rule) <= {"-", "+"}


def test_only_a_json_object_as_the_last_line_counts():
    assert parse_last_json('hello\n{"bench": "x", "figures": []}\n') == {
        "bench": "x",
        "figures": [],
    }
    assert parse_last_json('{"bench": "x", "figures": []}\nthen a line') is None
    assert parse_last_json("") is None


def test_the_runner_refuses_an_unknown_benchmark(db):
    with pytest.raises(CommandError):
        call_command("bench", "--only", "bench_nothing", stdout=StringIO())


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_runner_runs_a_benchmark_and_prints_one_table():
    out = StringIO()
    call_command(
        "bench",
        "--only",
        "bench_feed",
        "--with",
        "bench_feed=--learners 30 --events 200 --small 2 --large 20 --runs 2",
        stdout=out,
        stderr=StringIO(),
    )

    text = out.getvalue()
    assert re.search(r"^bench +\| figure", text, re.M)
    assert "GET feed/ following 20 vs following 2" in text
    assert "figures from 1 benchmarks" in text


# --- Each benchmark, tiny ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_bench_serving_prints_its_figures():
    output = _run(
        "bench_serving",
        "--client", "python", "--seconds", "1", "--workers", "1", "--threads", "2",
        "--learners", "2", "--lessons", "3", "--exercises", "2", "--cards", "2",
        "--answers", "200", "--connections", "2", "--client-threads", "1",
    )  # fmt: skip

    figures = assert_bench_json(output, "serving")
    names = [item["name"] for item in figures]
    assert names[0] == "bare view (GET /healthz) vs gunicorn gthread"
    assert any(name.startswith("POST sessions/{id}/answers/") for name in names)
    _nothing_left()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_bench_memory_prints_its_figures():
    output = _run("bench_memory", "--first", "20", "--total", "60", "--lessons", "2")

    figures = assert_bench_json(output, "memory")
    assert figures[0]["unit"] == "MiB"
    _nothing_left()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_bench_load_prints_its_figures():
    output = _run("bench_load", "--users", "2", "--seconds", "3", "--lessons", "2")

    figures = assert_bench_json(output, "load")
    assert [item["name"] for item in figures][1:] == ["p50", "p95", "p99", "failures"]
    _nothing_left()


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_serving_benchmarks_measure_a_database_with_history_and_statistics():
    course = benchdata.course_build(tag="settle", lessons=2, exercises_per_lesson=2)
    people = benchdata.learners_build(tag="settle", count=2, course=course)

    benchdata.database_settle(course=course, people=people, answers=5)

    # Three sessions of two exercises, each answered right once, through the service.
    assert SessionAnswer.objects.filter(correct=True, first_try=True).count() == 6
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Word._meta.db_table])
        (words,) = cursor.fetchone()
    assert words == Word.objects.count()  # analyzed: the planner knows the words are there


@pytest.mark.django_db
def test_bench_reviews_prints_its_figures():
    output = _run("bench_reviews", "--cards", "20", "60", "--runs", "2")

    assert_bench_json(output, "reviews")


@pytest.mark.django_db
def test_bench_feed_prints_its_figures():
    sizes = ["--learners", "30", "--events", "200", "--small", "2", "--large", "20", "--runs", "2"]

    output = _run("bench_feed", *sizes)

    assert_bench_json(output, "feed")


def test_the_load_reads_locusts_empty_percentiles_as_no_time():
    # A route with no request since Locust reset its statistics has N/A percentiles.
    assert bench_load._ms("N/A") == 0.0
    assert bench_load._ms("") == 0.0
    assert bench_load._ms("230") == 230.0


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("bench_memory", ["--first", "10", "--total", "5"]),
        ("bench_load", ["--users", "0"]),
        ("bench_serving", ["--workers", "0"]),
    ],
)
def test_benchmarks_refuse_sizes_they_cannot_run_with(name, args):
    with pytest.raises(CommandError):
        call_command(name, *args, stdout=StringIO())
