import pytest

from gamification.leagues.selectors import league_rules_forget


@pytest.fixture(autouse=True)
def _fresh_league_rules():
    # The leaderboard's rules are cached per process for a minute: each test reads its own.
    league_rules_forget()
    yield
    league_rules_forget()
