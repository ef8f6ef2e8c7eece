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
    streak_freezes = serializers.IntegerField(help_text="Streak freezes held.")


# --- Achievements and daily quests -------------------------------------------------------------


class RewardSerializer(serializers.Serializer):
    """Something a learning step unlocked (gamification.rewards.Reward)."""

    kind = serializers.ChoiceField(
        choices=["achievement", "quest", "gems"],
        help_text="`achievement`: a tier reached; `quest`: a daily quest done; `gems`: gems "
        "earned on their own (a lesson's first pass, say).",
    )
    slug = serializers.CharField(help_text="The achievement's or quest's slug.")
    name = serializers.CharField(help_text="A text to show: the achievement's name, the quest's.")
    tier = serializers.IntegerField(
        allow_null=True, help_text="The achievement tier's level; null for other kinds."
    )
    gems = serializers.IntegerField(help_text="Gems it paid (0 for none).")


class AchievementOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    metric = serializers.CharField()
    tier = serializers.IntegerField(help_text="The highest tier level unlocked; 0 for none.")
    progress = serializers.IntegerField(help_text="The learner's value of the metric.")
    goal = serializers.IntegerField(
        allow_null=True,
        help_text="The next tier's threshold (the last tier's once all are unlocked).",
    )
    unlocked_at = serializers.DateTimeField(
        allow_null=True, help_text="When the highest unlocked tier was reached."
    )


class AchievementListOutputSerializer(serializers.Serializer):
    results = AchievementOutputSerializer(many=True)


class QuestOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    description = serializers.CharField()
    progress = serializers.IntegerField(help_text="Counted from the learner's local midnight.")
    goal = serializers.IntegerField()
    reward_gems = serializers.IntegerField()
    completed_at = serializers.DateTimeField(allow_null=True)


class QuestListOutputSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The learner's local day.")
    quests = QuestOutputSerializer(many=True)


class WalletOutputSerializer(serializers.Serializer):
    balance = serializers.IntegerField()


class GemTransactionOutputSerializer(serializers.Serializer):
    amount = serializers.IntegerField(help_text="Positive for gems earned, negative for spent.")
    balance_after = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class ShopItemOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField()
    price = serializers.IntegerField()
    max_owned = serializers.IntegerField(allow_null=True, help_text="Null: no limit.")


class ShopListOutputSerializer(serializers.Serializer):
    results = ShopItemOutputSerializer(many=True)


class PurchaseInputSerializer(serializers.Serializer):
    client_id = serializers.CharField(
        required=False,
        max_length=64,
        help_text="Chosen by the client; sending it again answers the first purchase.",
    )


class PurchaseOutputSerializer(serializers.Serializer):
    item = serializers.CharField()
    balance = serializers.IntegerField()
    owned = serializers.IntegerField()


class InventoryItemOutputSerializer(serializers.Serializer):
    item = serializers.CharField(source="item.slug")
    quantity = serializers.IntegerField()
    active_until = serializers.DateTimeField(allow_null=True)


class InventoryListOutputSerializer(serializers.Serializer):
    results = InventoryItemOutputSerializer(many=True)
