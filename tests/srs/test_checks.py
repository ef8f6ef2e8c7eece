"""The rating thresholds are checked when Django starts."""

import pytest

from srs.checks import rating_thresholds_check


def test_the_default_thresholds_pass():
    assert rating_thresholds_check() == []


@pytest.mark.parametrize(("easy", "slow"), [(15000, 3000), (5000, 5000), (-1, 3000)])
def test_thresholds_out_of_order_are_an_error(settings, easy, slow):
    settings.SRS_EASY_MS, settings.SRS_SLOW_MS = easy, slow

    [error] = rating_thresholds_check()

    assert error.id == "srs.E001"
