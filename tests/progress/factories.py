"""Progress factories, and helpers that build a course path and answer its exercises."""

from collections.abc import Sequence

import factory
from django.utils import timezone

from courses.models import Course, Exercise, Lesson
from exercises.grading import ExerciseType
from progress.models import Enrollment, LessonProgress
from tests.accounts.factories import UserFactory
from tests.courses.factories import (
    CourseFactory,
    ExerciseFactory,
    LessonFactory,
    SectionFactory,
    UnitFactory,
)

# A lesson's exercises cycle through these, so that every test lesson mixes the types.
MIXED_TYPES = (
    ExerciseType.TRANSLATE,
    ExerciseType.MULTIPLE_CHOICE,
    ExerciseType.WORD_BANK,
    ExerciseType.MATCH_PAIRS,
    ExerciseType.FILL_BLANK,
)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)


class LessonProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonProgress

    user = factory.SubFactory(UserFactory)
    lesson = factory.SubFactory(LessonFactory)
    best_score = 100
    times_completed = 1
    first_completed_at = factory.LazyFunction(timezone.now)
    last_completed_at = factory.LazyAttribute(lambda o: o.first_completed_at)


def add_exercise(lesson: Lesson, kind: ExerciseType, *, position: int) -> Exercise:
    """An exercise of `kind` whose right and wrong answers `right_answer`/`wrong_answer` know."""
    fields: dict = {"lesson": lesson, "position": position}
    if kind is not ExerciseType.TRANSLATE:  # translate is the factory's default type
        fields[kind.value] = True
    if kind is ExerciseType.TRANSLATE:
        fields |= {"prompt": "Buenos días", "answers": ["Good morning", "Good day"]}
    elif kind is ExerciseType.FILL_BLANK:
        fields |= {"prompt": "Yo ___ pan", "answers": ["como"]}
    elif kind is ExerciseType.WORD_BANK:
        fields |= {
            "prompt": "I eat bread",
            "answers": ["yo como pan"],
            "tiles": ["yo", "como", "pan", "agua", "bebo"],
        }
    elif kind is ExerciseType.MATCH_PAIRS:
        fields |= {"pairs": [["gato", "cat"], ["perro", "dog"], ["casa", "house"]]}
    elif kind is ExerciseType.MULTIPLE_CHOICE:
        fields |= {
            "prompt": "Which one is 'cat'?",
            "options": [("perro", False), ("gato", True), ("casa", False)],
        }
    return ExerciseFactory(**fields)


def add_exercises(lesson: Lesson, count: int, *, types: Sequence = MIXED_TYPES) -> list[Exercise]:
    start = lesson.exercises.count()
    return [add_exercise(lesson, types[i % len(types)], position=start + i) for i in range(count)]


def build_path(
    shape: Sequence[Sequence[int]] = ((3,),),
    *,
    exercises: int = 3,
    course: Course | None = None,
    **course_fields,
) -> tuple[Course, list[Lesson]]:
    """A course whose sections hold units holding `n` lessons each: shape ((2, 1), (1,)) is two
    sections, the first with units of 2 and 1 lessons. Returns the lessons in course order."""
    if "status" not in course_fields:
        course_fields["published"] = True
    course = course or CourseFactory(**course_fields)
    lessons = []
    first_section = course.sections.count()
    for s, units in enumerate(shape):
        section = SectionFactory(course=course, position=first_section + s)
        for u, lesson_count in enumerate(units):
            unit = UnitFactory(section=section, position=u)
            for position in range(lesson_count):
                lesson = LessonFactory(unit=unit, position=position)
                add_exercises(lesson, exercises)
                lessons.append(lesson)
    return course, lessons


def right_answer(exercise: Exercise) -> dict:
    kind = ExerciseType(exercise.type)
    if kind is ExerciseType.MULTIPLE_CHOICE:
        return {"option": exercise.options.get(is_correct=True).id}
    if kind is ExerciseType.MATCH_PAIRS:
        return {"pairs": [list(pair) for pair in exercise.pairs]}
    return {"text": exercise.answers[0]}


def wrong_answer(exercise: Exercise) -> dict:
    kind = ExerciseType(exercise.type)
    if kind is ExerciseType.MULTIPLE_CHOICE:
        return {"option": exercise.options.filter(is_correct=False).first().id}
    if kind is ExerciseType.MATCH_PAIRS:
        lefts = [left for left, _ in exercise.pairs]
        rights = [right for _, right in exercise.pairs]
        return {"pairs": [list(p) for p in zip(lefts, rights[1:] + rights[:1], strict=True)]}
    return {"text": "completely different words here"}
