from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from courses.models import Word
from srs.models import ReviewCard


@pytest.mark.django_db
def test_the_benchmark_prints_both_medians_and_their_ratio_and_keeps_nothing():
    out = StringIO()

    call_command("bench_reviews", "--cards", "20", "60", "--runs", "2", stdout=out)

    printed = out.getvalue()
    assert "20 cards: median" in printed
    assert "60 cards: median" in printed
    assert "ratio 60 / 20 cards:" in printed
    assert not ReviewCard.objects.exists()
    assert not Word.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [["--cards", "0", "10"], ["--cards", "60", "20"], ["--runs", "0"], ["--batch-size", "0"]],
)
def test_the_benchmark_refuses_arguments_it_cannot_run_with(args):
    with pytest.raises(CommandError):
        call_command("bench_reviews", "--cards", "2", "3", *args, stdout=StringIO())

    assert not ReviewCard.objects.exists()
