"""The forms of a unit's page: the unit, and its lessons inline (their slugs judged together)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from courses.admin.forms.ordered import PARKED_POSITION, OrderedInlineFormSet, refuse_cycle
from courses.models import Lesson, Section, Unit
from courses.services import PLACE_SEPARATOR, LessonChange


def section_label(section: Section) -> str:
    return PLACE_SEPARATOR.join((section.course.slug, section.title))


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
            field.label_from_instance = section_label

    def clean_section(self):
        section = self.cleaned_data["section"]
        if self.instance.pk and section.course_id != self.instance.section.course_id:
            raise ValidationError(
                _("A unit stays in its course; move it to a section of the same course."),
                code="course_fixed",
            )
        return section


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
        refuse_cycle(section.course_id, sections=sections, units=units)


class LessonInlineForm(forms.ModelForm):
    """A lesson as a row of its unit's page."""

    class Meta:
        model = Lesson
        fields = ["position", "slug", "title", "xp_reward", "pass_score"]

    # Its course and whether its slug is free are judged by `LessonInlineFormSet`, which sees
    # every row of the page at once.


class LessonInlineFormSet(OrderedInlineFormSet):
    """The lessons of a unit (its page); the unit itself may move in the same save.

    Slugs are unique in the course. The rows of this page are judged together (and parked while
    saving), so two lessons may swap slugs, or a deleted lesson's slug go to a new one, in one
    save; only lessons of the course's other units can hold a slug against them.
    """

    sibling_unique_fields = ("position", "slug")

    def _parked(self, pk: int) -> dict:
        # "~" is no slug character: a parked slug never meets an editor's.
        return {"position": PARKED_POSITION + pk, "slug": f"~{pk}"}

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
        refuse_cycle(self._course_id, lessons=lessons, units=units)
