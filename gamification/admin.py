"""Read-only views of the game state, for support staff.

Totals and balances change only through `gamification.services`, next to their ledger rows, so
nothing here can add, change or delete a row: an edited balance would no longer equal its ledger.
Editors are granted no permission on these models, except shop items, which are data they manage.
Staff with the `gamification.add_gemtransaction` permission grant or take gems on a wallet's
page ("Grant or take gems"), which writes a ledger row through `services.gems_grant`.
"""

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.api.errors import ApplicationError
from config.timeutils import local_day
from gamification.models import (
    Achievement,
    AchievementTier,
    DailyQuest,
    DailyXp,
    GemTransaction,
    GemWallet,
    Hearts,
    InventoryItem,
    LearnerStats,
    Purchase,
    QuestTemplate,
    ShopItem,
    Streak,
    StreakFreezeUse,
    UnlockedTier,
    XpEvent,
)
from gamification.selectors import hearts_state, streak_state
from gamification.services import gems_grant


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
    fields = ["created_at", "amount", "balance_after", "reason", "source", "source_id"]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


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


class GemAdjustForm(forms.Form):
    amount = forms.IntegerField(
        help_text=_("Positive to grant, negative to take."), min_value=-100_000, max_value=100_000
    )
    reason = forms.CharField(max_length=80)

    def clean_amount(self) -> int:
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError(_("Grant or take at least one gem."))
        return amount


@admin.register(GemWallet)
class GemWalletAdmin(ReadOnlyAdmin):
    list_display = ["user", "balance"]
    inlines = [GemTransactionInline]
    change_form_template = "admin/gamification/gemwallet/change_form.html"

    def get_urls(self):
        adjust = self.admin_site.admin_view(self.adjust_view)
        return [
            path("<path:object_id>/adjust/", adjust, name="gamification_gemwallet_adjust"),
            *super().get_urls(),
        ]

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) or self.can_adjust(request)

    @staticmethod
    def can_adjust(request) -> bool:
        return request.user.has_perm("gamification.add_gemtransaction")

    def adjust_view(self, request, object_id: str):
        if not self.can_adjust(request):
            raise PermissionDenied
        wallet = get_object_or_404(GemWallet.objects.select_related("user"), pk=object_id)
        form = GemAdjustForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                gems_grant(
                    user=wallet.user,
                    amount=form.cleaned_data["amount"],
                    reason=f"{form.cleaned_data['reason']} (staff: {request.user.pk})",
                    source="staff",
                    # Each submission is its own change; the form is not retried by a client.
                    source_id=uuid.uuid4().hex,
                )
            except ApplicationError as error:
                form.add_error("amount", str(error))
            else:
                self.message_user(request, _("Gems changed."), messages.SUCCESS)
                return redirect(reverse("admin:gamification_gemwallet_change", args=[wallet.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Grant or take gems"),
            "opts": self.model._meta,
            "original": wallet,
            "form": form,
        }
        return TemplateResponse(request, "admin/gamification/gemwallet/adjust.html", context)


@admin.register(GemTransaction)
class GemTransactionAdmin(ReadOnlyAdmin):
    """The whole gem ledger, paginated, for wallets whose inline list grows long."""

    list_display = ["created_at", "wallet__user", "amount", "balance_after", "reason", "source"]
    list_select_related = ["wallet__user"]
    search_fields = ["wallet__user__email", "reason"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(ShopItem)
class ShopItemAdmin(admin.ModelAdmin):
    """Items are data editors manage; the effect picks code, so it is one of a fixed list."""

    list_display = ["name", "slug", "price", "max_owned", "effect", "on_sale", "position"]
    list_editable = ["on_sale", "position"]
    list_filter = ["on_sale", "effect"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["slug", "name"]


@admin.register(InventoryItem)
class InventoryItemAdmin(ReadOnlyAdmin):
    list_display = ["user", "item", "quantity", "active_until"]
    list_select_related = ["user", "item"]


@admin.register(Purchase)
class PurchaseAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "item", "price", "balance_after", "owned_after"]
    list_select_related = ["user", "item"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(StreakFreezeUse)
class StreakFreezeUseAdmin(ReadOnlyAdmin):
    list_display = ["day", "user", "created_at"]


from gamification.leagues import admin as leagues_admin  # noqa: E402, F401  (registers them)
