"""Curation of course content by the `editors` group, down the tree without leaving the admin.

Course (sections inline, an outline of every unit and lesson) → Section (units inline) → Unit
(lessons inline) → Lesson (exercises inline, prerequisites, a learner's-eye preview) → Exercise
(options inline, rules checked with its options). Every admin keeps django-simple-history's page,
so each change shows who made it and when.

One module per concern: `courses` (languages, courses and publishing, sections), `units`,
`lessons`, `exercises`, `words`, `packs` (import and download of course packs), their forms in
`forms/`, what they share in `base`, and the guards against ids posted by hand in `guards`.
Importing the package registers every admin.
"""

from courses.admin import courses, exercises, lessons, units, words

__all__ = ["courses", "exercises", "lessons", "units", "words"]
