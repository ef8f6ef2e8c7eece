"""Support views of spaced repetition: cards (suspend or fix one), read-only logs, settings."""

from django.contrib import admin

from srs.models import DailyReviewSession, ReviewCard, ReviewLog, ReviewSettings


@admin.register(ReviewCard)
class ReviewCardAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "word", "state", "due", "reps", "lapses", "suspended"]
    list_filter = ["state", "suspended"]
    search_fields = ["user__email", "word__text"]
    raw_id_fields = ["user", "word"]
    list_select_related = ["user", "word"]
    readonly_fields = ["created_at"]
    actions = ["suspend", "unsuspend"]
    # A learner may hold a million cards: no count of the whole table under the filters.
    show_full_result_count = False

    @admin.action(description="Suspend the selected cards")
    def suspend(self, request, queryset):
        updated = queryset.update(suspended=True)
        self.message_user(request, f"{updated} card(s) suspended.")

    @admin.action(description="Resume the selected cards")
    def unsuspend(self, request, queryset):
        updated = queryset.update(suspended=False)
        self.message_user(request, f"{updated} card(s) resumed.")


@admin.register(ReviewLog)
class ReviewLogAdmin(admin.ModelAdmin):
    """The history FSRS scheduled from: never added, changed or deleted by hand."""

    list_display = ["reviewed_at", "user", "card", "rating", "state_before", "state_after"]
    list_filter = ["rating", "state_after"]
    search_fields = ["user__email", "card__word__text"]
    list_select_related = ["user", "card"]
    date_hierarchy = "reviewed_at"
    show_full_result_count = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReviewSettings)
class ReviewSettingsAdmin(admin.ModelAdmin):
    # The model's validators and clean() are the API's rules; a ModelForm runs them.
    fields = ["user", *ReviewSettings.EDITABLE_FIELDS]
    list_display = [
        "user",
        "desired_retention",
        "new_cards_per_day",
        "max_reviews_per_day",
        "reminders_enabled",
        "reminder_hour",
    ]
    list_filter = ["reminders_enabled"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]


@admin.register(DailyReviewSession)
class DailyReviewSessionAdmin(admin.ModelAdmin):
    list_display = ["local_date", "user", "size", "reminder_sent_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    date_hierarchy = "local_date"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
