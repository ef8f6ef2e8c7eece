"""Progress in the admin: for looking into a learner's path and sessions, not for making them.

Rows here are written by the learning flow (XP, streaks and cards were awarded alongside them),
so the admin shows them read-only; deleting stays possible for support and data requests.
"""

from django.contrib import admin

from progress.models import Enrollment, LessonProgress, LessonSession, SessionAnswer


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "course", "created_at"]
    list_filter = ["course"]
    search_fields = ["user__email", "course__slug", "course__title"]
    list_select_related = ["user", "course"]
    date_hierarchy = "created_at"


@admin.register(LessonProgress)
class LessonProgressAdmin(ReadOnlyAdmin):
    list_display = [
        "user",
        "lesson",
        "course",
        "best_score",
        "times_completed",
        "first_completed_at",
        "last_completed_at",
    ]
    list_filter = [("lesson__course", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "lesson__slug", "lesson__title"]
    list_select_related = ["user", "lesson__course"]

    @admin.display(ordering="lesson__course__title")
    def course(self, obj: LessonProgress):
        return obj.lesson.course


class SessionAnswerInline(admin.TabularInline):
    model = SessionAnswer
    extra = 0
    can_delete = False
    fields = [
        "exercise_id",
        "answer",
        "correct",
        "first_try",
        "match",
        "feedback",
        "hearts_after",
        "client_id",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LessonSession)
class LessonSessionAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "user",
        "lesson",
        "status",
        "practice",
        "score",
        "xp_earned",
        "started_at",
    ]
    list_filter = ["status", "practice", ("lesson__course", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "lesson__slug", "lesson__title"]
    list_select_related = ["user", "lesson"]
    date_hierarchy = "started_at"
    inlines = [SessionAnswerInline]
