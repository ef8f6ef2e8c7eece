"""Read-only views of the game state, for support staff.

Totals and balances change only through `gamification.services`, next to their ledger rows, so
nothing here can add, change or delete a row: an edited balance would no longer equal its ledger.
Editors are granted no permission on these models.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.timeutils import local_day
from gamification.models import (
    Achievement,
    AchievementTier,
    DailyQuest,
    DailyXp,
    GemTransaction,
    GemWallet,
    Hearts,
    LearnerStats,
    QuestTemplate,
    Streak,
    UnlockedTier,
    XpEvent,
)
from gamification.selectors import hearts_state, streak_state


class ReadOnlyAdmin(admin.ModelAdmin):
    list_select_related = ["user"]
    search_fields = ["user__email"]
    list_per_page = 100

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(XpEvent)
class XpEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "amount", "source", "source_id", "local_date"]
    list_filter = ["source"]
    date_hierarchy = "created_at"
    # The ledger grows without bound: no count over the whole table under the filters.
    show_full_result_count = False


@admin.register(DailyXp)
class DailyXpAdmin(ReadOnlyAdmin):
    list_display = ["date", "user", "xp"]
    date_hierarchy = "date"
    show_full_result_count = False


@admin.register(LearnerStats)
class LearnerStatsAdmin(ReadOnlyAdmin):
    list_display = ["user", "total_xp", "lessons_completed", "perfect_lessons", "reviews_done"]


@admin.register(Streak)
class StreakAdmin(ReadOnlyAdmin):
    list_display = ["user", "current", "longest", "last_active_date", "streak_now"]

    @admin.display(description=_("streak now"))
    def streak_now(self, obj: Streak) -> int:
        # The stored `current` stands until the next lesson; a missed day shows here at once.
        today = local_day(user=obj.user).date
        return streak_state(obj, today=today, zone=obj.user.zone).current


@admin.register(Hearts)
class HeartsAdmin(ReadOnlyAdmin):
    list_display = ["user", "count", "refill_anchor", "hearts_now", "next_heart_at"]

    @admin.display(description=_("hearts now"))
    def hearts_now(self, obj: Hearts) -> int:
        return hearts_state(obj, now=timezone.now()).count

    @admin.display(description=_("next heart at"))
    def next_heart_at(self, obj: Hearts):
        return hearts_state(obj, now=timezone.now()).next_refill_at


class GemTransactionInline(admin.TabularInline):
    model = GemTransaction
    fields = ["created_at", "amount", "reason"]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(GemWallet)
class GemWalletAdmin(ReadOnlyAdmin):
    list_display = ["user", "balance"]
    inlines = [GemTransactionInline]


@admin.register(GemTransaction)
class GemTransactionAdmin(ReadOnlyAdmin):
    """The whole gem ledger, paginated, for wallets whose inline list grows long."""

    list_display = ["created_at", "wallet__user", "amount", "reason"]
    list_select_related = ["wallet__user"]
    search_fields = ["wallet__user__email", "reason"]
    date_hierarchy = "created_at"
    show_full_result_count = False


# --- Achievements and daily quests -------------------------------------------------------------
# Editors define achievements and the quest pool (their group holds these permissions, see the
# `_achievements` migration); what learners unlocked and were drawn stays read-only.


class AchievementTierInline(admin.TabularInline):
    model = AchievementTier
    extra = 1
    fields = ["level", "threshold", "reward_gems"]
    ordering = ["level"]


@admin.register(Achievement)
class AchievementAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "metric", "tier_count", "position", "active"]
    list_editable = ["position", "active"]
    list_filter = ["metric", "active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AchievementTierInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(tier_total=Count("tiers"))

    @admin.display(description=_("tiers"), ordering="tier_total")
    def tier_count(self, obj) -> int:
        return obj.tier_total


@admin.register(QuestTemplate)
class QuestTemplateAdmin(admin.ModelAdmin):
    list_display = ["slug", "kind", "goal", "reward_gems", "active"]
    list_editable = ["active"]
    list_filter = ["kind", "active"]
    search_fields = ["slug", "description"]


@admin.register(UnlockedTier)
class UnlockedTierAdmin(ReadOnlyAdmin):
    list_display = ["unlocked_at", "user", "tier"]
    list_select_related = ["user", "tier__achievement"]
    list_filter = ["tier__achievement"]
    show_full_result_count = False


@admin.register(DailyQuest)
class DailyQuestAdmin(ReadOnlyAdmin):
    list_display = ["date", "user", "slot", "slug", "goal", "reward_gems", "completed_at"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    show_full_result_count = False
