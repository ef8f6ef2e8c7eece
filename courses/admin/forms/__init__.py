"""The admin's forms for course content, one module per page; every content rule is checked on
the form, so an editor reads a message beside the field instead of a server error.

- `fields`: answers, tiles and translations one per line; match pairs as "left = right" lines.
- `ordered`: inline rows that may swap positions in one save, and never make a cycle of lessons.
- `courses`, `units`, `lessons`, `exercises`, `words`: the forms of each page.
"""

from courses.admin.forms.courses import CourseForm, SectionForm, SectionInlineFormSet
from courses.admin.forms.exercises import (
    ExerciseForm,
    OptionInlineForm,
    OptionInlineFormSet,
    readable_problem,
)
from courses.admin.forms.fields import LinesField, PairsField
from courses.admin.forms.lessons import ExerciseInlineForm, ExerciseInlineFormSet, LessonForm
from courses.admin.forms.units import (
    LessonInlineForm,
    LessonInlineFormSet,
    UnitForm,
    UnitInlineFormSet,
)
from courses.admin.forms.words import WordForm

__all__ = [
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
]
