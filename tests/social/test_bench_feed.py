"""The feed benchmark runs (with tiny numbers), so it cannot rot unnoticed."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from social.models import FeedEvent

pytestmark = pytest.mark.django_db


def test_bench_feed_prints_both_medians_and_the_ratio_and_leaves_nothing_behind():
    users_before = get_user_model().objects.count()
    out = StringIO()

    call_command(
        "bench_feed",
        learners=30,
        events=200,
        small=2,
        large=20,
        runs=2,
        explain=True,
        stdout=out,
        stderr=StringIO(),
    )

    text = out.getvalue()
    assert re.search(r"following +2: median [\d.]+ ms", text)
    assert re.search(r"following +20: median [\d.]+ ms", text)
    assert re.search(r"ratio large/small: [\d.]+", text)
    assert get_user_model().objects.count() == users_before
    assert not FeedEvent.objects.exists()


def test_bench_feed_refuses_a_large_set_beyond_the_learners():
    with pytest.raises(CommandError):
        call_command("bench_feed", learners=10, large=10, small=2, stdout=StringIO())
