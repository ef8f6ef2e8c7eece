"""Leagues in the admin: the rule table is edited here (it applies from the next week close);
cohorts, memberships, learners' leagues and weekly XP are read-only, since only XP awards and
the week close may change them."""

from django.contrib import admin
from django.db.models import Count

from gamification.leagues.models import (
    LeagueCohort,
    LeagueMember,
    LeagueRule,
    LearnerLeague,
    WeeklyXp,
)
from gamification.leagues.selectors import league_rules_forget


class _ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LeagueRule)
class LeagueRuleAdmin(admin.ModelAdmin):
    list_display = [
        "league",
        "promote_count",
        "demote_count",
        "gems_first",
        "gems_second",
        "gems_third",
    ]
    list_editable = [
        "promote_count",
        "demote_count",
        "gems_first",
        "gems_second",
        "gems_third",
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        league_rules_forget()  # this process's leaderboards show the change at once

    # The ten leagues are fixed: their rows are edited, never added or removed.
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LeagueMemberInline(_ReadOnly, admin.TabularInline):
    model = LeagueMember
    fields = ["user", "xp", "reached_at", "joined_at", "rank", "result"]
    readonly_fields = fields
    ordering = ["-xp", "reached_at", "user_id"]
    extra = 0


@admin.register(LeagueCohort)
class LeagueCohortAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["week_start", "league", "number", "size", "closed_at"]
    list_filter = ["league", ("closed_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "week_start"
    inlines = [LeagueMemberInline]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(size=Count("members"))

    @admin.display(description="members", ordering="size")
    def size(self, cohort) -> int:
        return cohort.size


@admin.register(LeagueMember)
class LeagueMemberAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["week_start", "user", "league", "xp", "rank", "result"]
    list_filter = ["league", "result"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__username"]
    date_hierarchy = "week_start"
    show_full_result_count = False


@admin.register(LearnerLeague)
class LearnerLeagueAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["user", "league"]
    list_filter = ["league"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__username"]


@admin.register(WeeklyXp)
class WeeklyXpAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["week_start", "user", "xp"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__username"]
    date_hierarchy = "week_start"
    show_full_result_count = False
