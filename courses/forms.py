"""The admin's forms for course content: friendly editing of JSON fields, and every content rule
checked on the form, so an editor reads a message beside the field instead of a server error.

- Answers, tiles and translations are edited one per line; match pairs as "left = right" lines.
- An exercise and its options are judged together by `exercises.rules.exercise_problems`: the
  exercise form checks what does not depend on options, the options formset the rest.
- Prerequisites stay in the lesson's course and make no cycle
  (`courses.services.lesson_prerequisites_problems`); nor may moving, adding or deleting
  lessons, units or sections make one, since a lesson without prerequisites waits for the one
  before it (`courses.services.requirements_cycle`, checked by the inline formsets).
- Rows ordered by `position` may swap places in one save: the formsets park the moving rows
  before saving, so the database's unique constraints never see two rows at one position.
"""

from collections import Counter

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.forms.models import BaseInlineFormSet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from courses.models import (
    EXERCISE_TYPE_LABELS,
    Course,
    Exercise,
    ExerciseOption,
    Lesson,
    Section,
    Unit,
    Word,
)
from courses.selectors import LESSON_ORDER
from courses.services import (
    PLACE_SEPARATOR,
    LessonChange,
    exercise_spec,
    lesson_prerequisites_problems,
    requirements_cycle,
)
from exercises.rules import USES, exercise_problems
from exercises.types import ExerciseType

# Options that satisfy every multiple choice rule: the exercise form judges an exercise with
# these in place of its real options, so it reports only what the options formset cannot.
_VALID_OPTIONS = (("a", True), ("b", False))
# A row moving to a new position first goes here, out of every other row's way.
_PARKED_POSITION = 1_000_000_000


# --- Fields --------------------------------------------------------------------------------


class LinesField(forms.CharField):
    """A JSON list of strings, edited one item per line; blank lines are dropped."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 60})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(strip=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [str(item).strip() for item in value if str(item).strip()]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def has_changed(self, initial, data):
        return self.to_python(initial or []) != self.to_python(data)


class PairsField(forms.CharField):
    """Match pairs, a JSON list of [left, right], edited as one "left = right" per line."""

    widget = forms.Textarea(attrs={"rows": 5, "cols": 60, "placeholder": "hola = hello"})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(strip=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(
                " = ".join(str(side) for side in pair)
                if isinstance(pair, list | tuple)
                else str(pair)
                for pair in value
            )
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [list(pair) for pair in value]
        text = super().to_python(value) or ""
        pairs, errors = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            left, sign, right = line.partition("=")
            if not sign or not left.strip() or not right.strip():
                errors.append(
                    ValidationError(
                        _('Line %(number)s: write a pair as "left = right".'),
                        code="invalid_pair",
                        params={"number": number},
                    )
                )
                continue
            pairs.append([left.strip(), right.strip()])
        if errors:
            raise ValidationError(errors)
        return pairs

    def has_changed(self, initial, data):
        try:
            return self.to_python(initial or []) != self.to_python(data)
        except ValidationError:
            return True


def _lesson_label(lesson: Lesson) -> str:
    return f"{lesson.slug} — {lesson.title}"


def _unit_label(unit: Unit) -> str:
    return PLACE_SEPARATOR.join((unit.section.course.slug, unit.section.title, unit.title))


def _section_label(section: Section) -> str:
    return PLACE_SEPARATOR.join((section.course.slug, section.title))


def _course_of_unit(unit_id) -> int | None:
    if not usable_keys(Unit._meta.pk, [unit_id]):
        return None
    return Unit.objects.filter(pk=unit_id).values_list("section__course_id", flat=True).first()


def readable_problem(problem: str) -> str:
    """A rule's sentence as editors read it: "fill_blank needs…" names the type by its label."""
    kind, space, rest = problem.partition(" ")
    if kind in EXERCISE_TYPE_LABELS:
        return f"{EXERCISE_TYPE_LABELS[kind]}{space}{rest}"
    return problem


# --- Ids from the request ------------------------------------------------------------------


def usable_keys(field, values) -> list[str]:
    """Those of `values` (as strings) that a column like `field` could hold, in their order.

    Ids arrive from the request as text: "abc", "²" or a number beyond the database's integers
    must never reach a query (they raise ValueError, or OverflowError on SQLite), whatever
    form or widget reads them.
    """
    try:
        bounds = connection.ops.integer_field_range(field.get_internal_type())
    except KeyError:
        bounds = (None, None)  # not an integer column
    usable = []
    for value in values:
        text = str(value)
        try:
            python = field.to_python(text)
        except (ValidationError, ValueError, TypeError):
            continue
        if python in (None, ""):
            continue
        low, high = bounds
        if isinstance(python, int) and (
            (low is not None and python < low) or (high is not None and python > high)
        ):
            continue
        usable.append(text)
    return usable


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A many-to-many choice that refuses ids no row could have before they reach a query.

    Django checks each value with an exact lookup, which bounds integers, then fetches them all
    with `__in`, which does not: on SQLite a number past 2**63 was an OverflowError (a 500).
    """

    def _check_values(self, value):
        if isinstance(value, list | tuple):
            model = self.queryset.model
            field = model._meta.get_field(self.to_field_name) if self.to_field_name else None
            field = field or model._meta.pk
            texts = [str(item) for item in value]
            usable = set(usable_keys(field, texts))
            for text in texts:
                if text not in usable:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": text},
                    )
        return super()._check_values(value)


# --- Ordered inlines -----------------------------------------------------------------------


class OrderedInlineFormSet(BaseInlineFormSet):
    """Children of one parent with a position unique in it (and, for some, other such fields).

    Per-form validation cannot see the other rows of the same submission, so uniqueness among
    siblings is checked here; saving parks the rows that move, so swaps save cleanly.
    """

    sibling_unique_fields = ("position",)

    def _live_forms(self):
        return [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk is not None
            if not self._should_delete_form(form) and not form.errors
        ]

    def clean(self):
        super().clean()
        for name in self.sibling_unique_fields:
            values = Counter(
                form.cleaned_data.get(name)
                for form in self._live_forms()
                if form.cleaned_data.get(name) not in (None, "")
            )
            repeated = sorted(str(value) for value, count in values.items() if count > 1)
            if repeated:
                label = self.form.base_fields[name].label or name
                raise ValidationError(
                    _("Two rows have the same %(field)s: %(values)s. Each must differ."),
                    code="duplicate",
                    params={"field": str(label).lower(), "values": ", ".join(repeated)},
                )
        if not any(self.errors):
            self.check_order()

    def check_order(self) -> None:
        """Refuse an order of the course's lessons in which they wait for each other."""

    def _row_position(self, form) -> int | None:
        """The row's position once saved; None when the row is deleted or left blank."""
        if self._should_delete_form(form):
            return None
        if form.instance.pk is None and not form.has_changed():
            return None
        return form.cleaned_data.get("position")

    def _parked(self, pk: int) -> dict:
        """Values that take a moving row out of every other row's way (unique per pk)."""
        return {"position": _PARKED_POSITION + pk}

    def save_existing_objects(self, commit=True):
        if commit:
            self._park_moving_rows()
        return super().save_existing_objects(commit)

    def _park_moving_rows(self) -> None:
        for form in self.initial_forms:
            pk = form.instance.pk
            if pk is None:
                continue
            parked = self._parked(pk)
            if self._should_delete_form(form) or set(parked) & set(form.changed_data):
                self.model._default_manager.filter(pk=pk).update(**parked)


def _refuse_cycle(course_id: int | None, **changes) -> None:
    if course_id is None:
        return
    cycle = requirements_cycle(course_id=course_id, **changes)
    if cycle:
        raise ValidationError(
            _("In this order the course's lessons wait for each other in a cycle: %(cycle)s."),
            code="cycle",
            params={"cycle": cycle},
        )


class SectionInlineFormSet(OrderedInlineFormSet):
    """The sections of a course (its page)."""

    def check_order(self) -> None:
        sections = {
            form.instance.pk: self._row_position(form)
            for form in self.initial_forms
            if form.instance.pk is not None
        }
        _refuse_cycle(self.instance.pk, sections=sections)


class UnitInlineFormSet(OrderedInlineFormSet):
    """The units of a section (its page); the section itself may move in the same save."""

    def check_order(self) -> None:
        section = self.instance
        if section.pk is None or section.course_id is None:
            return  # a new section has no lessons yet
        sections = {section.pk: section.position} if section.position is not None else {}
        units = {
            form.instance.pk: (None if position is None else (section.pk, position))
            for form in self.initial_forms
            if form.instance.pk is not None
            for position in [self._row_position(form)]
        }
        _refuse_cycle(section.course_id, sections=sections, units=units)


class LessonInlineFormSet(OrderedInlineFormSet):
    """The lessons of a unit (its page); the unit itself may move in the same save.

    Slugs are unique in the course. The rows of this page are judged together (and parked while
    saving), so two lessons may swap slugs, or a deleted lesson's slug go to a new one, in one
    save; only lessons of the course's other units can hold a slug against them.
    """

    sibling_unique_fields = ("position", "slug")

    def _parked(self, pk: int) -> dict:
        # "~" is no slug character: a parked slug never meets an editor's.
        return {"position": _PARKED_POSITION + pk, "slug": f"~{pk}"}

    @cached_property
    def _course_id(self) -> int | None:
        """The course of the unit's section (the section may be new on this very page)."""
        sections = Section.objects.filter(pk=self.instance.section_id)
        return sections.values_list("course_id", flat=True).first()

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if self.instance.section_id is None:
            return  # the unit's own form shows what is missing
        course_id = self._course_id
        live = {form.cleaned_data["slug"]: form for form in self._live_forms()}
        on_this_page = [form.instance.pk for form in self.initial_forms if form.instance.pk]
        taken = (
            Lesson.objects.filter(course_id=course_id, slug__in=list(live))
            .exclude(pk__in=on_this_page)
            .values_list("slug", flat=True)
        )
        for slug in taken:
            live[slug].add_error("slug", _("Another lesson of this course has this slug."))
        for form in live.values():
            form.instance.course_id = course_id

    def check_order(self) -> None:
        unit = self.instance
        if unit.section_id is None or unit.position is None:
            return  # the unit's own form shows what is missing
        lessons = []
        for form in self.forms:
            position = self._row_position(form)
            if position is None and form.instance.pk is None:
                continue  # a blank new row
            lessons.append(
                LessonChange(
                    lesson_id=form.instance.pk,
                    slug=form.cleaned_data.get("slug") or form.instance.slug,
                    unit_id=unit.pk,
                    position=position if position is not None else form.instance.position,
                    deleted=position is None,
                )
            )
        units = {unit.pk: (unit.section_id, unit.position)}
        _refuse_cycle(self._course_id, lessons=lessons, units=units)


class ExerciseInlineFormSet(OrderedInlineFormSet):
    sibling_unique_fields = ("position", "key")

    def _parked(self, pk: int) -> dict:
        # An empty key is outside the unique constraint on keys.
        return {"position": _PARKED_POSITION + pk, "key": ""}


class OptionInlineFormSet(OrderedInlineFormSet):
    """The options of an exercise, judged with the exercise by `exercise_problems`."""

    def _parked(self, pk: int) -> dict:
        # At most one option is correct in the database: clear the moving ones first.
        return {"position": _PARKED_POSITION + pk, "is_correct": False}

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
        judged = exercise_problems(exercise_spec(exercise, options=options))
        without_options = exercise_problems(exercise_spec(exercise, options=_VALID_OPTIONS))
        problems = [problem for problem in judged if problem not in without_options]
        if problems:
            raise ValidationError(
                [ValidationError(readable_problem(problem)) for problem in problems]
            )


# --- Forms ---------------------------------------------------------------------------------


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["slug", "title", "description", "learning_language", "from_language"]


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["course", "position", "title", "description", "cefr_level"]

    def clean_course(self):
        course = self.cleaned_data["course"]
        if self.instance.pk and course.pk != self.instance.course_id:
            raise ValidationError(
                _("A section stays in its course; create it in the other course instead."),
                code="course_fixed",
            )
        return course


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["section", "position", "title", "description", "guidebook", "color", "icon"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "section" in self.fields:
            field = self.fields["section"]
            field.queryset = Section.objects.select_related("course").order_by(
                "course__title", "position"
            )
            field.label_from_instance = _section_label

    def clean_section(self):
        section = self.cleaned_data["section"]
        if self.instance.pk and section.course_id != self.instance.section.course_id:
            raise ValidationError(
                _("A unit stays in its course; move it to a section of the same course."),
                code="course_fixed",
            )
        return section


class LessonForm(forms.ModelForm):
    """A lesson: its course follows its unit; slug unique in the course; prerequisites checked."""

    class Meta:
        model = Lesson
        fields = ["unit", "position", "slug", "title", "xp_reward", "pass_score", "prerequisites"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        course_id = self.instance.course_id
        if course_id is None:
            unit_id = self.data.get(self.add_prefix("unit")) if self.is_bound else None
            course_id = _course_of_unit(unit_id or self.initial.get("unit"))
        if "unit" in self.fields:
            units = Unit.objects.select_related("section__course").order_by(
                "section__course__title", "section__position", "position"
            )
            if self.instance.pk:
                units = units.filter(section__course_id=self.instance.course_id)
            self.fields["unit"].queryset = units
            self.fields["unit"].label_from_instance = _unit_label
        if "prerequisites" in self.fields:
            field = self.fields["prerequisites"]
            if course_id is None:
                field.queryset = Lesson.objects.none()
                field.help_text = _("Choose the unit and save; then pick prerequisites here.")
            else:
                field.queryset = (
                    Lesson.objects.filter(course_id=course_id)
                    .exclude(pk=self.instance.pk)
                    .order_by(*LESSON_ORDER)
                )
            field.label_from_instance = _lesson_label

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit")
        if unit is None:
            return cleaned
        course_id = Section.objects.values_list("course_id", flat=True).get(pk=unit.section_id)
        if self.instance.pk and course_id != self.instance.course_id:
            self.add_error("unit", _("A lesson stays in its course; pick a unit of this course."))
            return cleaned
        self.instance.course_id = course_id
        _check_slug_free(self, course_id, cleaned.get("slug"))
        prerequisites = cleaned.get("prerequisites")
        if prerequisites is not None and cleaned.get("slug"):
            # Judged as it will be saved: its slug (named in a cycle) and place in the course.
            self.instance.slug = cleaned["slug"]
            self.instance.unit = unit
            self.instance.position = cleaned.get("position")
            for problem in lesson_prerequisites_problems(
                lesson=self.instance, prerequisites=prerequisites
            ):
                self.add_error("prerequisites", problem)
        return cleaned


def _check_slug_free(form: forms.ModelForm, course_id: int, slug: str | None) -> None:
    # The unique constraint names `course`, which is not on the form, so Django skips it.
    if not slug:
        return
    taken = Lesson.objects.filter(course_id=course_id, slug=slug).exclude(pk=form.instance.pk)
    if taken.exists():
        form.add_error("slug", _("Another lesson of this course has this slug."))


class LessonInlineForm(forms.ModelForm):
    """A lesson as a row of its unit's page."""

    class Meta:
        model = Lesson
        fields = ["position", "slug", "title", "xp_reward", "pass_score"]

    # Its course and whether its slug is free are judged by `LessonInlineFormSet`, which sees
    # every row of the page at once.


# Which field a rule's sentence is about, by the words it uses (first match wins).
_PROBLEM_FIELDS = (
    ("option", None),
    ("tile", "tiles"),
    ("pair", "pairs"),
    ("side", "pairs"),
    ("answer", "answers"),
    ("audio", "audio"),
    ("blank", "prompt"),
    ("prompt", "prompt"),
)


def _field_of(problem: str) -> str | None:
    for word, field in _PROBLEM_FIELDS:
        if word in problem:
            return field
    return None


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
        for name in ("answers", "tiles", "pairs"):
            if kind in USES and cleaned.get(name) and name not in USES[kind]:
                message = _("%(type)s exercises have no %(field)s; empty the field.")
                label = str(self.fields[name].label).lower()
                self.add_error(name, message % {"type": EXERCISE_TYPE_LABELS[kind], "field": label})
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
        spec = exercise_spec(self.instance, options=_VALID_OPTIONS)
        for problem in exercise_problems(spec):
            field = _field_of(problem)
            self.add_error(field if field in self.fields else None, readable_problem(problem))
        self.instance._rules_checked = not self.errors


class ExerciseInlineForm(forms.ModelForm):
    """An exercise as a row of its lesson's page: its order and key; the rest on its own page."""

    class Meta:
        model = Exercise
        fields = ["position", "key"]


class OptionInlineForm(forms.ModelForm):
    class Meta:
        model = ExerciseOption
        fields = ["position", "text", "is_correct", "image", "audio"]


class WordForm(forms.ModelForm):
    translations = LinesField(
        label=_("Translations"), required=True, help_text=_("One per line, the most common first.")
    )

    class Meta:
        model = Word
        fields = [
            "course",
            "lesson",
            "text",
            "translations",
            "part_of_speech",
            "audio",
            "image",
            "notes",
        ]

    def clean(self):
        cleaned = super().clean()
        course, lesson = cleaned.get("course"), cleaned.get("lesson")
        if course is not None and lesson is not None and lesson.course_id != course.pk:
            self.add_error("lesson", _("This lesson is in another course."))
        return cleaned


__all__ = [
    "CheckedModelMultipleChoiceField",
    "CourseForm",
    "ExerciseForm",
    "ExerciseInlineForm",
    "ExerciseInlineFormSet",
    "LessonForm",
    "LessonInlineForm",
    "LessonInlineFormSet",
    "LinesField",
    "OptionInlineForm",
    "OptionInlineFormSet",
    "PairsField",
    "SectionForm",
    "SectionInlineFormSet",
    "UnitForm",
    "UnitInlineFormSet",
    "WordForm",
    "readable_problem",
    "usable_keys",
]
