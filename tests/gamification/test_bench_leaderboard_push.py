"""The live leaderboard benchmark runs (with tiny numbers), so it cannot rot unnoticed; no
timing is asserted, only the shape of what it prints."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from gamification.leagues.models import LeagueCohort, WeeklyXp

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_bench_leaderboard_push_prints_its_figures_as_json_and_leaves_nothing_behind():
    users_before = get_user_model().objects.count()
    out = StringIO()

    call_command("bench_leaderboard_push", awards=3, baseline=3, cohort=3, json=True, stdout=out)

    last = json.loads(out.getvalue().strip().splitlines()[-1])
    assert last["bench"] == "leaderboard_push"
    assert [figure["name"] for figure in last["figures"]] == [
        "push_p50",
        "award_p50",
        "push_p95",
        "award_p95",
    ]
    for figure in last["figures"]:
        assert set(figure) == {"name", "value", "unit", "baseline", "ratio", "goal", "ok"}
        assert figure["unit"] == "ms"
    assert isinstance(last["figures"][2]["ok"], bool)
    assert get_user_model().objects.count() == users_before
    assert not LeagueCohort.objects.exists()
    assert not WeeklyXp.objects.exists()


def test_bench_leaderboard_push_refuses_a_cohort_of_one():
    with pytest.raises(CommandError):
        call_command("bench_leaderboard_push", cohort=1, stdout=StringIO())
