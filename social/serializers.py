"""Shapes of the social API (API.md, "Economy and social")."""

from rest_framework import serializers


class ProfileOutputSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    streak = serializers.IntegerField()
    total_xp = serializers.IntegerField()
    league = serializers.JSONField(allow_null=True, help_text="Null until leagues exist.")
    achievements = serializers.ListField(child=serializers.JSONField())
    following = serializers.BooleanField(help_text="The caller follows them.")
    follows_you = serializers.BooleanField(help_text="They follow the caller.")


class FeedActorSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()


class FeedEventOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    actor = FeedActorSerializer()
    kind = serializers.CharField(
        help_text="lesson_completed, streak_milestone, achievement_unlocked, course_started or "
        "league_promoted (data: league, from, rank, week_start)"
    )
    data = serializers.JSONField()
    created_at = serializers.DateTimeField()
