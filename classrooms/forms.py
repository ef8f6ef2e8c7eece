"""The teacher pages' forms: they parse and show errors; the services validate and write."""

from functools import cache
from zoneinfo import available_timezones

from django import forms

from classrooms.selectors import DEFAULT_ACCURACY_BELOW, DEFAULT_INACTIVE_DAYS


@cache
def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(available_timezones())]


class ClassroomForm(forms.Form):
    name = forms.CharField(max_length=100, label="Class name")
    course = forms.ChoiceField(label="Course")
    # Optional: without it, the teacher's own time zone (API.md names `name` and `course` only).
    timezone = forms.ChoiceField(
        label="Time zone",
        required=False,
        help_text="Assignment start and due dates are days of this time zone.",
    )

    def __init__(self, *args, courses: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = courses
        self.fields["timezone"].choices = timezone_choices()


class ClassroomSettingsForm(forms.Form):
    name = forms.CharField(max_length=100, label="Class name")
    timezone = forms.ChoiceField(label="Time zone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = timezone_choices()


class CoTeacherForm(forms.Form):
    email = forms.EmailField(label="Co-teacher's email")


class AssignmentForm(forms.Form):
    title = forms.CharField(max_length=200)
    lessons = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    xp_goal = forms.IntegerField(
        label="XP goal", min_value=0, max_value=100_000, required=False, initial=0
    )
    starts_at = forms.DateField(label="Starts on", widget=forms.DateInput(attrs={"type": "date"}))
    due_at = forms.DateField(label="Due on", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, lessons: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lessons"].choices = lessons


class AlertsForm(forms.Form):
    """The class page's alert thresholds, from the query string; a missing or bad value leaves
    its default in force (and the form says what was wrong)."""

    inactive_days = forms.IntegerField(
        label="Inactive for (days)", min_value=1, max_value=365, required=False
    )
    accuracy_below = forms.IntegerField(
        label="Accuracy below (%)", min_value=1, max_value=100, required=False
    )

    def thresholds(self) -> tuple[int, int]:
        data = {}
        if self.is_bound:
            self.is_valid()  # cleaned_data then holds the fields that are valid
            data = self.cleaned_data
        return (
            data.get("inactive_days") or DEFAULT_INACTIVE_DAYS,
            data.get("accuracy_below") or DEFAULT_ACCURACY_BELOW,
        )


class DigestForm(forms.Form):
    weekly_digest = forms.BooleanField(
        required=False, label="Email me a weekly digest of my classes' alerts (Mondays)"
    )
