"""The form of a word's page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.admin.forms.fields import LinesField
from courses.models import Word


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
