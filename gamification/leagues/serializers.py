"""Shapes of the leagues API (API.md, "Reviews, stats and leagues")."""

from rest_framework import serializers

from gamification.leagues.models import League, WeekResult


class StandingOutputSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    xp = serializers.IntegerField(help_text="XP earned this week.")
    rank = serializers.IntegerField(help_text="1 is first; ties go to whoever got there first.")


class LeaderboardOutputSerializer(serializers.Serializer):
    league = serializers.ChoiceField(
        choices=League.choices,
        allow_null=True,
        help_text="Null (and standings empty) until the learner's first XP of the week.",
    )
    week_start = serializers.DateTimeField(help_text="Monday 00:00 UTC.")
    week_end = serializers.DateTimeField(help_text="The next Monday 00:00 UTC, when it closes.")
    standings = StandingOutputSerializer(many=True)
    promote_up_to = serializers.IntegerField(
        allow_null=True, help_text="Ranks 1 to this go up a league; null when none do."
    )
    demote_from = serializers.IntegerField(
        allow_null=True, help_text="Ranks from this one down go down a league; null when none do."
    )


class LeagueHistoryOutputSerializer(serializers.Serializer):
    week_start = serializers.DateField(help_text="The Monday (UTC) the week started.")
    league = serializers.ChoiceField(choices=League.choices)
    rank = serializers.IntegerField()
    result = serializers.ChoiceField(choices=WeekResult.choices)
    xp = serializers.IntegerField(help_text="XP earned that week.")


class PercentileOutputSerializer(serializers.Serializer):
    week_xp = serializers.IntegerField(help_text="The caller's XP this week.")
    percentile = serializers.FloatField(
        help_text="0 to 100: the share of the other learners active this week (any XP) the "
        "caller has strictly more XP than."
    )
