"""The forms of an exercise's page, judged by the content rules of `exercises.rules`.

An exercise and its options are judged together by `exercise_problems`: the exercise form checks
what does not depend on options, the options formset the rest. Each problem names its field, and
the message goes beside that field.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from courses.admin.forms.fields import LinesField, PairsField
from courses.admin.forms.ordered import PARKED_POSITION, OrderedInlineFormSet
from courses.models import EXERCISE_TYPE_LABELS, Exercise, ExerciseOption
from courses.services import exercise_spec_build
from exercises.problems import Problem
from exercises.rules import exercise_problems, unused_field_problems
from exercises.types import ExerciseType

# Options that satisfy every multiple choice rule: the exercise form judges an exercise with
# these in place of its real options, so it reports only what the options formset cannot.
_VALID_OPTIONS = (("a", True), ("b", False))


def readable_problem(problem: Problem) -> str:
    """A rule's problem as editors read it: the exercise type named by its label ("Word bank")."""
    return problem.worded({"type": EXERCISE_TYPE_LABELS})


class ExerciseForm(forms.ModelForm):
    answers = LinesField(
        label=_("Accepted answers"),
        help_text=_(
            "Translate, listen and type, fill in the blank and word bank: one per line; the "
            "first is the solution shown to learners."
        ),
    )
    tiles = LinesField(
        label=_("Tiles"),
        help_text=_(
            "Word bank only: one tile per line. Every answer must be made of these tiles "
            "(split at spaces); add distractors too."
        ),
    )
    pairs = PairsField(
        label=_("Pairs"),
        help_text=_('Match pairs only: one "left = right" per line, at least two, no repeats.'),
    )

    class Meta:
        model = Exercise
        fields = [
            "lesson",
            "position",
            "key",
            "type",
            "prompt",
            "hint",
            "explanation",
            "audio",
            "image",
            "words",
            "answers",
            "tiles",
            "pairs",
            "answer_language",
        ]
        help_texts = {
            "prompt": _(
                "What the learner reads. Fill in the blank: write the blank as ___ (once). "
                "Match pairs and listen and type may leave it empty."
            ),
            "audio": _("Listen and type needs audio (MP3, OGG or WAV)."),
            "words": _("Words of the lesson's course that this exercise practises."),
        }

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("type")
        filled = [name for name in ("answers", "tiles", "pairs") if cleaned.get(name)]
        for problem in unused_field_problems(kind or "", filled):
            message = _("%(type)s exercises have no %(field)s; empty the field.")
            label = str(self.fields[problem.field].label).lower()
            self.add_error(
                problem.field, message % {"type": EXERCISE_TYPE_LABELS[kind], "field": label}
            )
        lesson = cleaned.get("lesson") or (
            self.instance.lesson if self.instance.lesson_id else None
        )
        answer_language = cleaned.get("answer_language")
        if lesson is not None and answer_language:
            codes = (lesson.course.learning_language.code, lesson.course.from_language.code)
            if answer_language not in codes:
                self.add_error(
                    "answer_language",
                    _("Use one of this course's languages: %(codes)s, or leave it empty.")
                    % {"codes": ", ".join(codes)},
                )
        words = cleaned.get("words")
        if lesson is not None and words is not None:
            strangers = [word.text for word in words if word.course_id != lesson.course_id]
            if strangers:
                self.add_error(
                    "words",
                    _("Not words of this lesson's course: %(words)s.")
                    % {"words": ", ".join(strangers)},
                )
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        # The options are not known here: judge with valid stand-ins; the options formset
        # judges the real ones (see OptionInlineFormSet).
        spec = exercise_spec_build(self.instance, options=_VALID_OPTIONS)
        for problem in exercise_problems(spec):
            field = problem.field if problem.field in self.fields else None
            self.add_error(field, readable_problem(problem))
        self.instance._rules_checked = not self.errors


class OptionInlineForm(forms.ModelForm):
    class Meta:
        model = ExerciseOption
        fields = ["position", "text", "is_correct", "image", "audio"]


class OptionInlineFormSet(OrderedInlineFormSet):
    """The options of an exercise, judged with the exercise by `exercise_problems`."""

    def _parked(self, pk: int) -> dict:
        # At most one option is correct in the database: clear the moving ones first.
        return {"position": PARKED_POSITION + pk, "is_correct": False}

    def clean(self):
        super().clean()
        exercise = self.instance
        if not getattr(exercise, "_rules_checked", False) or any(self.errors):
            return  # fix the errors shown on the exercise or on its options first
        options = [
            (form.cleaned_data.get("text", ""), bool(form.cleaned_data.get("is_correct")))
            for form in self._live_forms()
        ]
        if exercise.type != ExerciseType.MULTIPLE_CHOICE:
            if options:
                raise ValidationError(
                    _("Only multiple choice exercises have options; delete these."),
                    code="options_unused",
                )
            return
        judged = exercise_problems(exercise_spec_build(exercise, options=options))
        without_options = exercise_problems(exercise_spec_build(exercise, options=_VALID_OPTIONS))
        problems = [problem for problem in judged if problem not in without_options]
        if problems:
            raise ValidationError(
                [ValidationError(readable_problem(problem)) for problem in problems]
            )
