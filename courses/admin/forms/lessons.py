"""The forms of a lesson's page: the lesson, and its exercises inline.

A lesson's course follows its unit; its slug is unique in the course; its prerequisites stay in
the course and make no cycle (`courses.services.lesson_prerequisites_problems`).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.admin.forms.ordered import PARKED_POSITION, OrderedInlineFormSet
from courses.admin.guards import course_of_unit
from courses.models import Exercise, Lesson, Section, Unit
from courses.selectors import LESSON_ORDER
from courses.services import PLACE_SEPARATOR, lesson_prerequisites_problems


def lesson_label(lesson: Lesson) -> str:
    return f"{lesson.slug} — {lesson.title}"


def unit_label(unit: Unit) -> str:
    return PLACE_SEPARATOR.join((unit.section.course.slug, unit.section.title, unit.title))


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
            course_id = course_of_unit(unit_id or self.initial.get("unit"))
        if "unit" in self.fields:
            units = Unit.objects.select_related("section__course").order_by(
                "section__course__title", "section__position", "position"
            )
            if self.instance.pk:
                units = units.filter(section__course_id=self.instance.course_id)
            self.fields["unit"].queryset = units
            self.fields["unit"].label_from_instance = unit_label
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
            field.label_from_instance = lesson_label

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


class ExerciseInlineForm(forms.ModelForm):
    """An exercise as a row of its lesson's page: its order and key; the rest on its own page."""

    class Meta:
        model = Exercise
        fields = ["position", "key"]


class ExerciseInlineFormSet(OrderedInlineFormSet):
    sibling_unique_fields = ("position", "key")

    def _parked(self, pk: int) -> dict:
        # An empty key is outside the unique constraint on keys.
        return {"position": PARKED_POSITION + pk, "key": ""}
