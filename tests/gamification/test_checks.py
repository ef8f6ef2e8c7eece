"""The game's settings are checked when Django starts, not at a learner's first heart."""

import pytest

from gamification.checks import game_settings_check


def test_the_default_settings_pass():
    assert game_settings_check() == []


@pytest.mark.parametrize(
    ("name", "value"), [("HEARTS_REFILL_MINUTES", 0), ("HEARTS_MAX", 0), ("HEARTS_MAX", -1)]
)
def test_a_setting_below_one_is_an_error_naming_it(settings, name, value):
    setattr(settings, name, value)

    [error] = game_settings_check()

    assert error.id == "gamification.E001"
    assert name in error.msg
