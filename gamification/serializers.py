from rest_framework import serializers


class StatsOutputSerializer(serializers.Serializer):
    total_xp = serializers.IntegerField()
    xp_today = serializers.IntegerField(help_text="XP earned on the learner's local day.")
    daily_goal_xp = serializers.IntegerField()
    daily_goal_met = serializers.BooleanField()
    streak = serializers.IntegerField()
    longest_streak = serializers.IntegerField()
    streak_broken = serializers.BooleanField(
        help_text="A local day was missed since the last lesson, so the streak is 0."
    )
    hearts = serializers.IntegerField()
    hearts_max = serializers.IntegerField()
    next_heart_at = serializers.DateTimeField(
        allow_null=True, help_text="When the next heart comes back; null with every heart."
    )
    gems = serializers.IntegerField()
