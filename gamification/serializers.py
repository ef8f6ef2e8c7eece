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
