import pytest

from gamification.leagues.selectors import league_rules_forget


@pytest.fixture(autouse=True)
def _fresh_league_rules():
    # The leaderboard's rules are cached per process for a minute: each test reads its own.
    league_rules_forget()
    yield
    league_rules_forget()


@pytest.fixture(params=[pytest.param("one pass", marks=pytest.mark.postgres), "group by group"])
def rollover_path(request, monkeypatch):
    """Runs a test on both paths of the streak rollover: PostgreSQL's one pass over all zones
    (marked `postgres`: skipped on SQLite, an error in CI without it), and the portable one, group
    of zones by group (SQLite's, and PostgreSQL's when told)."""
    from gamification import clock

    if request.param != "one pass":
        monkeypatch.setattr(clock, "ONE_PASS_VENDORS", ())
    return request.param
