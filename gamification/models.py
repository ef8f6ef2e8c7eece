"""What the platform keeps about a learner's progress as a game: XP, streak, hearts and gems.

Every per-learner row is created lazily, on first use, so existing accounts need nothing. The
XP and gem ledgers are append-only; their totals (`LearnerStats.total_xp`, `DailyXp.xp`,
`GemWallet.balance`) change only through `gamification.services`, in the same transaction as
the ledger row, with F() or conditional updates.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class XpSource(models.TextChoices):
    """Why XP was earned; with `source_id` it names the one thing an award is for."""

    LESSON = "lesson", _("Lesson")
    PRACTICE = "practice", _("Practice")
    REVIEW = "review", _("Review")
    BONUS = "bonus", _("Bonus")
    # The extra XP an active xp-boost adds to a lesson's award: its own row, so the ledger shows it.
    XP_BOOST = "xp_boost", _("XP boost")


SOURCE_ID_MAX_LENGTH = 64


class XpEvent(models.Model):
    """One award of XP. Unique on (user, source, source_id), so a retried award adds nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="xp_events"
    )
    amount = models.PositiveIntegerField()
    source = models.CharField(max_length=16, choices=XpSource.choices)
    source_id = models.CharField(max_length=SOURCE_ID_MAX_LENGTH)
    created_at = models.DateTimeField()
    local_date = models.DateField(help_text=_("The learner's local day when it was earned."))

    class Meta:
        verbose_name = _("XP event")
        verbose_name_plural = _("XP events")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "source", "source_id"], name="gamification_xpevent_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="gamification_xpevent_amount"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="gamif_xpevent_user_time"),
            # A capped source's XP of one local day is summed on every award (xp_award).
            models.Index(
                fields=["user", "source", "local_date"], name="gamif_xpevent_user_src_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: +{self.amount} XP ({self.source} {self.source_id})"


class DailyXp(models.Model):
    """XP earned on one of the learner's local days (the daily goal is met against it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_xp"
    )
    date = models.DateField()
    xp = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily XP")
        verbose_name_plural = _("daily XP")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="gamification_dailyxp_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.date}: {self.xp} XP"


class LearnerStats(models.Model):
    """Totals kept from the calls gamification receives, so it never reads `progress`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="learner_stats",
    )
    total_xp = models.PositiveIntegerField(default=0)
    lessons_completed = models.PositiveIntegerField(default=0)
    perfect_lessons = models.PositiveIntegerField(default=0)
    reviews_done = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("learner stats")
        verbose_name_plural = _("learner stats")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.total_xp} XP"


class Streak(models.Model):
    """Consecutive local days with a completed lesson, as of `last_active_date`.

    `current` is the streak on `last_active_date`; a reader must still check that day is today or
    yesterday (see `selectors.streak_get`), because nothing rewrites the row when a day is missed.
    `last_active_at` keeps the instant as well, so that after a change of time zone the last
    activity can be placed on the learner's new calendar.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="streak"
    )
    current = models.PositiveIntegerField(default=0)
    longest = models.PositiveIntegerField(default=0)
    last_active_date = models.DateField(null=True, blank=True)
    last_active_at = models.DateTimeField(
        null=True, blank=True, help_text=_("The latest completed lesson, in UTC.")
    )

    class Meta:
        verbose_name = _("streak")
        verbose_name_plural = _("streaks")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.current} days"


class Hearts(models.Model):
    """Hearts as of `refill_anchor`; the count now is computed from the clock when read.

    When `count` is below the maximum, one heart comes back every HEARTS_REFILL_MINUTES counted
    from `refill_anchor`; at the maximum the anchor means nothing.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="hearts"
    )
    count = models.PositiveSmallIntegerField()
    refill_anchor = models.DateTimeField()

    class Meta:
        verbose_name = _("hearts")
        verbose_name_plural = _("hearts")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.count} hearts at {self.refill_anchor:%Y-%m-%d %H:%M}"


class GemWallet(models.Model):
    """A learner's gems; the balance always equals the sum of the wallet's transactions."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="gem_wallet",
    )
    balance = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("gem wallet")
        verbose_name_plural = _("gem wallets")
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="gamification_gemwallet_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.balance} gems"


class GemTransaction(models.Model):
    """One change of a wallet's balance: positive for a credit, negative for a debit.

    It points at the wallet (whose primary key is the user's id) so the admin can show the ledger
    inline on the wallet; `wallet_id` is the user's id.
    """

    wallet = models.ForeignKey(GemWallet, on_delete=models.CASCADE, related_name="transactions")
    amount = models.IntegerField()
    reason = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    # What the change is for; a non-empty (source, source_id) pays once (see `gems_grant`).
    source = models.CharField(max_length=32, blank=True, default="")
    source_id = models.CharField(max_length=SOURCE_ID_MAX_LENGTH, blank=True, default="")
    balance_after = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("The wallet's balance right after this change.")
    )

    class Meta:
        verbose_name = _("gem transaction")
        verbose_name_plural = _("gem transactions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0), name="gamification_gemtransaction_not_zero"
            ),
            models.UniqueConstraint(
                fields=["wallet", "source", "source_id"],
                condition=~Q(source=""),
                name="gamification_gemtransaction_once",
            ),
        ]
        indexes = [models.Index(fields=["wallet", "-created_at"], name="gamif_gemtx_wallet_time")]

    def __str__(self) -> str:
        return f"{self.wallet_id}: {self.amount:+d} gems ({self.reason})"


# --- Shop and inventory --------------------------------------------------------------------------


class ShopEffect(models.TextChoices):
    """What an item does; the code behind each lives in `services.inventory_item_use`."""

    STREAK_FREEZE = "streak_freeze", _("Streak freeze (spent by itself on a missed day)")
    HEART_REFILL = "heart_refill", _("Heart refill (hearts to the maximum)")
    XP_BOOST = "xp_boost", _("XP boost (lesson XP doubled for a while)")


class ShopItem(models.Model):
    """Something gems buy. Editors manage these in the admin; the effect is fixed code."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    price = models.PositiveIntegerField(help_text=_("In gems."))
    max_owned = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("How many a learner may hold at once; empty: no limit.")
    )
    effect = models.CharField(max_length=16, choices=ShopEffect.choices)
    on_sale = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("shop item")
        verbose_name_plural = _("shop items")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="gamification_shopitem_price"),
            models.CheckConstraint(
                condition=Q(max_owned__isnull=True) | Q(max_owned__gt=0),
                name="gamification_shopitem_max_owned",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class InventoryItem(models.Model):
    """How many of an item a learner holds, and until when its effect runs (a boost)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inventory"
    )
    item = models.ForeignKey(ShopItem, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField(default=0)
    active_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inventory item")
        verbose_name_plural = _("inventory items")
        constraints = [
            models.UniqueConstraint(fields=["user", "item"], name="gamification_inventory_once"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="gamification_inventory_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.quantity} x {self.item_id}"


class Purchase(models.Model):
    """One purchase, with what it answered, so a retried request (same client_id) answers the same
    and buys nothing more."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="purchases"
    )
    item = models.ForeignKey(ShopItem, on_delete=models.PROTECT, related_name="+")
    client_id = models.CharField(max_length=64, blank=True, default="")
    price = models.PositiveIntegerField()
    balance_after = models.PositiveIntegerField()
    owned_after = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_id"],
                condition=~Q(client_id=""),
                name="gamification_purchase_client_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.item_id} for {self.price} gems"


class StreakFreezeUse(models.Model):
    """A local day a streak freeze covered; unique per (user, day), so a day costs one freeze
    however many callers (the next lesson, a rollover job) cover it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="streak_freeze_uses"
    )
    day = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("streak freeze use")
        verbose_name_plural = _("streak freeze uses")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="gamification_freeze_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.day} frozen"
