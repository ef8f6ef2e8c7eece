"""Lessons: their exercises inline, prerequisites, and a learner's-eye preview."""

import random

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from courses.admin.base import ContentAdmin
from courses.admin.forms import (
    ExerciseInlineForm,
    ExerciseInlineFormSet,
    LessonForm,
    readable_problem,
)
from courses.models import (
    Exercise,
    Lesson,
)
from courses.selectors import lesson_preview_get
from courses.services import exercise_spec_build
from exercises.rules import BLANK, exercise_problems
from exercises.types import ExerciseType

PREVIEW_TEMPLATE = "admin/courses/lesson/preview.html"


class ExerciseInline(admin.TabularInline):
    """The lesson's exercises in order; each opens on its own page, where options live."""

    model = Exercise
    form = ExerciseInlineForm
    formset = ExerciseInlineFormSet
    fields = ["position", "key", "type", "summary", "problems"]
    readonly_fields = ["type", "summary", "problems"]
    ordering = ["position"]
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        # An exercise needs its type's fields and options: it is added on its own page.
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("options")

    @admin.display(description=_("prompt"))
    def summary(self, exercise: Exercise) -> str:
        text = exercise.prompt or " · ".join(" = ".join(pair) for pair in exercise.pairs or ())
        return text[:80]

    @admin.display(description=_("problems"))
    def problems(self, exercise: Exercise) -> str:
        found = exercise_problems(exercise_spec_build(exercise))
        return "; ".join(map(readable_problem, found)) if found else "✓"


@admin.register(Lesson)
class LessonAdmin(ContentAdmin):
    form = LessonForm
    inlines = [ExerciseInline]
    list_display = ["title", "slug", "unit", "course", "position", "xp_reward", "exercise_count"]
    list_filter = ["course", "unit__section"]
    list_select_related = ["course", "unit"]
    search_fields = ["slug", "title", "course__slug", "unit__title"]
    ordering = ["course__title", "unit__section__position", "unit__position", "position"]
    filter_horizontal = ["prerequisites"]
    readonly_fields = ["course", "add_exercise"]
    fieldsets = [
        (None, {"fields": ["unit", "course", "position", "slug", "title"]}),
        (_("Scoring"), {"fields": ["xp_reward", "pass_score"]}),
        # The field's help text says what prerequisites do.
        (_("Unlocking"), {"fields": ["prerequisites"]}),
        # Untitled: the exercises' table below is headed "Exercises" already.
        (None, {"fields": ["add_exercise"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(exercise_total=Count("exercises"))

    @admin.display(description=_("exercises"), ordering="exercise_total")
    def exercise_count(self, lesson: Lesson) -> int:
        return lesson.exercise_total

    @admin.display(description=_("new exercise"))
    def add_exercise(self, lesson: Lesson) -> str:
        if lesson.pk is None:
            return _("Save the lesson first.")
        return format_html(
            '<a class="addlink" href="{}?lesson={}">{}</a>',
            reverse("admin:courses_exercise_add"),
            lesson.pk,
            _("Add an exercise to this lesson"),
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="courses_lesson_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        lesson = self.get_object(request, unquote(object_id))
        if lesson is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, lesson):
            raise PermissionDenied
        lesson = lesson_preview_get(lesson_id=lesson.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": lesson,
            "lesson": lesson,
            "title": _("Preview: %(lesson)s") % {"lesson": lesson.title},
            "exercises": [_preview(exercise) for exercise in lesson.exercises.all()],
        }
        return TemplateResponse(request, PREVIEW_TEMPLATE, context)


def _preview(exercise: Exercise) -> dict:
    """What the preview page needs of one exercise: the learner's view and its solution."""
    answers = list(exercise.answers or [])
    item = {
        "exercise": exercise,
        "problems": [readable_problem(p) for p in exercise_problems(exercise_spec_build(exercise))],
        "solution": answers[0] if answers else "",
        "also_accepted": answers[1:],
        "options": list(exercise.options.all()),
        "words": list(exercise.words.all()),
    }
    if exercise.type == ExerciseType.FILL_BLANK and BLANK in exercise.prompt:
        before, _blank, after = exercise.prompt.partition(BLANK)
        item["blank"] = {"before": before, "after": after}
    if exercise.type == ExerciseType.WORD_BANK:
        used = set(item["solution"].split())
        item["tiles"] = [(tile, tile in used) for tile in exercise.tiles or ()]
    if exercise.type == ExerciseType.MATCH_PAIRS:
        pairs = [pair for pair in exercise.pairs or () if len(pair) == 2]
        # Learners see the right column shuffled; a seed per exercise keeps the page stable.
        right = [right for _left, right in pairs]
        random.Random(exercise.pk).shuffle(right)
        item["columns"] = list(zip([left for left, _right in pairs], right, strict=True))
        item["pairs"] = pairs
    return item
