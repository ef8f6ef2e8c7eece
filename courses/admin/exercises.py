"""Exercises, their options inline; the fields of other types fold away."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from courses.admin.base import ContentAdmin
from courses.admin.forms import (
    ExerciseForm,
    OptionInlineForm,
    OptionInlineFormSet,
)
from courses.models import (
    Course,
    Exercise,
    ExerciseOption,
)
from exercises.types import ExerciseType


class OptionInline(admin.TabularInline):
    model = ExerciseOption
    form = OptionInlineForm
    formset = OptionInlineFormSet
    fields = ["position", "text", "is_correct", "image", "audio"]
    ordering = ["position"]
    verbose_name_plural = _("options (multiple choice only; exactly one correct)")

    def get_extra(self, request, obj=None, **kwargs) -> int:
        if obj is None:
            return 3
        return 1 if obj.type == ExerciseType.MULTIPLE_CHOICE else 0


@admin.register(Exercise)
class ExerciseAdmin(ContentAdmin):
    form = ExerciseForm
    inlines = [OptionInline]
    list_display = ["__str__", "type", "lesson", "course", "position", "key"]
    list_filter = ["type", "lesson__course"]
    list_select_related = ["lesson__course"]
    search_fields = ["prompt", "key", "lesson__slug", "lesson__title", "answers"]
    # Course order: as learners meet the exercises, lesson by lesson.
    ordering = [
        "lesson__course__title",
        "lesson__unit__section__position",
        "lesson__unit__position",
        "lesson__position",
        "position",
    ]
    autocomplete_fields = ["lesson", "words"]

    TYPE_FIELDSETS = {
        "answers": {
            ExerciseType.TRANSLATE,
            ExerciseType.LISTEN_TYPE,
            ExerciseType.FILL_BLANK,
            ExerciseType.WORD_BANK,
        },
        "tiles": {ExerciseType.WORD_BANK},
        "pairs": {ExerciseType.MATCH_PAIRS},
    }

    def get_fieldsets(self, request, obj=None):
        def group(field: str, title: str) -> tuple:
            # Fields of other types fold away once the type is known; all stay on the form. The
            # field's help text says which types use it.
            folded = obj is not None and obj.type not in self.TYPE_FIELDSETS[field]
            options = {"fields": [field]}
            if folded:
                options["classes"] = ["collapse"]
            return (title, options)

        return [
            (None, {"fields": ["lesson", "position", "key", "type"]}),
            (
                _("What the learner sees"),
                {"fields": ["prompt", "hint", "explanation", "audio", "image", "words"]},
            ),
            (_("The answer's language"), {"fields": ["answer_language"]}),
            group("answers", _("Accepted answers")),
            group("tiles", _("Word bank tiles")),
            group("pairs", _("Match pairs")),
        ]

    @admin.display(description=_("course"), ordering="lesson__course__title")
    def course(self, exercise: Exercise) -> Course:
        return exercise.lesson.course
