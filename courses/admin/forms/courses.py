"""The forms of a course's page (its sections inline) and of a section's page."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from courses.admin.forms.ordered import OrderedInlineFormSet, refuse_cycle
from courses.models import Course, Section


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["slug", "title", "description", "learning_language", "from_language"]


class SectionInlineFormSet(OrderedInlineFormSet):
    """The sections of a course (its page)."""

    def check_order(self) -> None:
        sections = {
            form.instance.pk: self._row_position(form)
            for form in self.initial_forms
            if form.instance.pk is not None
        }
        refuse_cycle(self.instance.pk, sections=sections)


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
