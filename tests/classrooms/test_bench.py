import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_bench_runs_tiny_and_prints_its_figures_as_json(capsys):
    call_command("bench_classroom", "--students", "2", "3", "--days", "8", "--runs", "1", "--json")

    last = capsys.readouterr().out.strip().splitlines()[-1]
    body = json.loads(last)
    assert body["bench"] == "classroom"
    assert {f["name"] for f in body["figures"]} >= {"class_page_queries_3_students"}
    for figure in body["figures"]:
        assert set(figure) == {"name", "value", "unit", "baseline", "ratio", "goal", "ok"}
