"""The rollover benchmark, tiny: it runs, prints its figures as one JSON line, and leaves
nothing behind. Its timings are not checked here (no timed tests)."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from gamification.models import InventoryItem, Streak, StreakFreezeUse


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_prints_its_figures_as_json_and_cleans_up():
    out = StringIO()

    call_command(
        "bench_streak_rollover", "--learners", "30", "--zones", "5", "--runs", "1", "--json",
        stdout=out,
    )  # fmt: skip

    report = json.loads(out.getvalue().strip().splitlines()[-1])
    assert report["bench"] == "streak_rollover"
    assert report["figures"]
    for figure in report["figures"]:
        assert set(figure) == {"name", "value", "unit", "baseline", "ratio", "goal", "ok"}
        assert isinstance(figure["value"], float)
    assert isinstance(report["figures"][0]["ratio"], float)
    assert get_user_model().objects.count() == 0
    assert not Streak.objects.exists()
    assert not InventoryItem.objects.exists()
    assert not StreakFreezeUse.objects.exists()


@pytest.mark.django_db
def test_the_benchmark_refuses_to_run_inside_a_transaction():
    with pytest.raises(CommandError):
        call_command("bench_streak_rollover", "--learners", "3", stdout=StringIO())
