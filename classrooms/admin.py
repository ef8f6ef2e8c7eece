from django.contrib import admin

from classrooms.models import (
    Assignment,
    Classroom,
    ClassroomTeacher,
    DigestSent,
    Membership,
    TeacherSettings,
)


class ClassroomTeacherInline(admin.TabularInline):
    model = ClassroomTeacher
    extra = 0
    autocomplete_fields = ["teacher"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["student"]
    readonly_fields = ["joined_at", "left_at"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "course", "join_code", "timezone", "created_at", "archived_at"]
    list_filter = ["course", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "join_code", "teachers__email"]
    list_select_related = ["course"]
    readonly_fields = ["created_at"]
    inlines = [ClassroomTeacherInline, MembershipInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["title", "classroom", "starts_at", "due_at", "xp_goal"]
    list_filter = ["due_at"]
    search_fields = ["title", "classroom__name"]
    list_select_related = ["classroom"]
    autocomplete_fields = ["classroom"]
    filter_horizontal = ["lessons"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["student", "classroom", "joined_at", "left_at", "share_email"]
    search_fields = ["student__email", "student__username", "classroom__name"]
    list_select_related = ["student", "classroom"]
    autocomplete_fields = ["student", "classroom"]


@admin.register(TeacherSettings)
class TeacherSettingsAdmin(admin.ModelAdmin):
    list_display = ["teacher", "weekly_digest"]
    search_fields = ["teacher__email"]
    autocomplete_fields = ["teacher"]


@admin.register(DigestSent)
class DigestSentAdmin(admin.ModelAdmin):
    list_display = ["teacher", "week_start", "sent_at"]
    search_fields = ["teacher__email"]
    list_select_related = ["teacher"]
    readonly_fields = ["teacher", "week_start", "sent_at"]
