"""Weekly leagues: cohorts of up to 30 learners per league and week, ranked by the XP earned in
the week, closed each Monday 00:00 UTC with promotions and demotions; the live leaderboard.

- `models`: the leagues' rule table, each learner's league, cohorts, memberships, weekly XP.
- `membership`: what `xp_award` calls inside its transaction (join a cohort, raise the standing).
- `ranking`: the weekly Redis sorted set behind the percentile, rebuilt from PostgreSQL.
- `selectors`: the leaderboard, history, percentile and a closed week's result.
- `services`: the week close (the `league_week_close` job).
- `api`, `serializers`, `admin`; the WebSocket consumer is `gamification.consumers`.
"""
