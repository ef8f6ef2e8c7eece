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
    # The day's other counters, which daily quests are measured against.
    lessons_completed = models.PositiveIntegerField(default=0)
    perfect_lessons = models.PositiveIntegerField(default=0)
    reviews_done = models.PositiveIntegerField(default=0)

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
    # Achievement counters: words met (review cards made), and two fed by later features.
    words_learned = models.PositiveIntegerField(default=0)
    followers = models.PositiveIntegerField(default=0)
    league_finishes = models.PositiveIntegerField(default=0)

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


# --- Achievements and daily quests -------------------------------------------------------------
# Editors define achievements (a metric and tiers) and the quest pool in the admin; what a learner
# unlocked and the quests drawn for a local day are kept per learner, each unique so that a tier
# or a quest pays once however many requests race (see gamification.rewards).


class AchievementMetric(models.TextChoices):
    """Which counter an achievement's tiers are measured against (all kept by gamification)."""

    STREAK = "streak", _("Longest streak (days)")
    TOTAL_XP = "total_xp", _("Total XP")
    LESSONS_COMPLETED = "lessons_completed", _("Lessons completed")
    PERFECT_LESSONS = "perfect_lessons", _("Perfect lessons")
    REVIEWS_DONE = "reviews_done", _("Reviews done")
    WORDS_LEARNED = "words_learned", _("Words learned")
    FOLLOWERS = "followers", _("Followers")
    LEAGUE_FINISHES = "league_finishes", _("League finishes in the top places")


class Achievement(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=255, blank=True)
    metric = models.CharField(max_length=32, choices=AchievementMetric.choices)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(
        default=True, help_text=_("Inactive achievements are neither shown nor unlocked.")
    )

    class Meta:
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class AchievementTier(models.Model):
    """One step of an achievement: reached when the metric is at least `threshold`."""

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="tiers")
    level = models.PositiveSmallIntegerField(help_text=_("1 for the first tier, 2 for the next…"))
    threshold = models.PositiveIntegerField()
    reward_gems = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("achievement tier")
        verbose_name_plural = _("achievement tiers")
        ordering = ["achievement", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "level"], name="gamification_tier_level_once"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(threshold__gte=1), name="gamification_tier_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.achievement} {self.level} ({self.threshold})"


class UnlockedTier(models.Model):
    """A tier a learner reached. Unique on (user, tier): it unlocks, and pays, once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unlocked_tiers"
    )
    tier = models.ForeignKey(AchievementTier, on_delete=models.CASCADE, related_name="unlocks")
    unlocked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("unlocked achievement tier")
        verbose_name_plural = _("unlocked achievement tiers")
        ordering = ["-unlocked_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "tier"], name="gamification_unlock_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.tier}"


class QuestKind(models.TextChoices):
    EARN_XP = "earn_xp", _("Earn N XP")
    COMPLETE_LESSONS = "complete_lessons", _("Complete N lessons")
    PERFECT_LESSONS = "perfect_lessons", _("Complete N lessons without a mistake")
    REVIEWS = "reviews", _("Do N reviews")
    DAILY_GOAL = "daily_goal", _("Meet the daily goal (N is ignored: the learner's goal counts)")


# What a quest of each kind says, for a goal of one and for more.
QUEST_DESCRIPTIONS = {
    QuestKind.EARN_XP: ("Earn {goal} XP", "Earn {goal} XP"),
    QuestKind.COMPLETE_LESSONS: ("Complete a lesson", "Complete {goal} lessons"),
    QuestKind.PERFECT_LESSONS: (
        "Complete a lesson without a mistake",
        "Complete {goal} lessons without a mistake",
    ),
    QuestKind.REVIEWS: ("Do a review", "Do {goal} reviews"),
    QuestKind.DAILY_GOAL: (
        "Meet your daily goal of {goal} XP",
        "Meet your daily goal of {goal} XP",
    ),
}


class QuestTemplate(models.Model):
    """A quest of the pool the day's three are drawn from."""

    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=32, choices=QuestKind.choices)
    goal = models.PositiveIntegerField(default=1)
    reward_gems = models.PositiveIntegerField(default=0)
    description = models.CharField(
        max_length=255,
        blank=True,
        help_text=_("Shown to the learner; {goal} is replaced. Empty: a text made from the kind."),
    )
    active = models.BooleanField(default=True, help_text=_("Only active quests are drawn."))

    class Meta:
        verbose_name = _("quest template")
        verbose_name_plural = _("quest templates")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(goal__gte=1), name="gamification_quest_goal")
        ]

    def __str__(self) -> str:
        return self.slug


class DailyQuest(models.Model):
    """One of a learner's three quests of a local day. The template's kind, goal, reward and text
    are copied when drawn, so an editor's later change does not move a quest under way."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_quests"
    )
    date = models.DateField()
    slot = models.PositiveSmallIntegerField()
    template = models.ForeignKey(
        QuestTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    slug = models.SlugField()
    kind = models.CharField(max_length=32, choices=QuestKind.choices)
    goal = models.PositiveIntegerField()
    reward_gems = models.PositiveIntegerField(default=0)
    description = models.CharField(max_length=255)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("daily quest")
        verbose_name_plural = _("daily quests")
        ordering = ["-date", "slot"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "date", "slot"], name="gamification_dailyquest_slot_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.date} #{self.slot}: {self.slug}"


# --- The clock's mail ----------------------------------------------------------------------------


class ClockNoticeKind(models.TextChoices):
    STREAK_REMINDER = "streak_reminder", _("Evening streak reminder")
    WEEKLY_PROGRESS = "weekly_progress", _("Weekly progress email")


class ClockNotice(models.Model):
    """A reminder or weekly email claimed for a learner and period (a local day, or a league
    week's Monday). Inserted before the mail goes, unique per (user, kind, period): however many
    workers run a job, one of them wins the row and only that one sends."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clock_notices"
    )
    kind = models.CharField(max_length=32, choices=ClockNoticeKind.choices)
    period = models.DateField()
    # The run that claimed the row: a run sends to the rows it claimed, none other's.
    run = models.UUIDField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("clock notice")
        verbose_name_plural = _("clock notices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "period"], name="gamification_clocknotice_once"
            )
        ]
        indexes = [models.Index(fields=["run"], name="gamif_clocknotice_run")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} {self.period}"


# --- Leagues (the models live in gamification/leagues/models.py) --------------------------------

from gamification.leagues.models import (  # noqa: E402, F401
    LeagueCohort,
    LeagueMember,
    LeagueRule,
    LeagueSeat,
    LearnerLeague,
    WeeklyXp,
)
