"""Units, their lessons inline."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from courses.admin.base import ContentAdmin
from courses.admin.forms import (
    LessonInlineForm,
    LessonInlineFormSet,
    UnitForm,
)
from courses.models import (
    Course,
    Lesson,
    Unit,
)


class LessonInline(admin.TabularInline):
    model = Lesson
    form = LessonInlineForm
    formset = LessonInlineFormSet
    fields = ["position", "slug", "title", "xp_reward", "pass_score"]
    ordering = ["position"]
    extra = 0
    show_change_link = True


@admin.register(Unit)
class UnitAdmin(ContentAdmin):
    form = UnitForm
    inlines = [LessonInline]
    list_display = ["title", "section", "course", "position", "lesson_count"]
    list_filter = ["section__course"]
    list_select_related = ["section__course"]
    search_fields = ["title", "description", "section__title", "section__course__slug"]
    ordering = ["section__course__title", "section__position", "position"]
    fieldsets = [
        (None, {"fields": ["section", "position", "title", "description"]}),
        (_("On the path"), {"fields": ["guidebook", "color", "icon"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lesson_total=Count("lessons"))

    @admin.display(description=_("course"), ordering="section__course__title")
    def course(self, unit: Unit) -> Course:
        return unit.section.course

    @admin.display(description=_("lessons"), ordering="lesson_total")
    def lesson_count(self, unit: Unit) -> int:
        return unit.lesson_total
