"""Factories for the content tree, and `build_course` for a whole publishable course at once.

Every factory makes a row that passes the content rules: an `ExerciseFactory` with a type trait
(`ExerciseFactory(multiple_choice=True)`, `word_bank=True`, ...) is a valid exercise of that type,
so a course made of them can be published. Pass `unit` to `LessonFactory`, not `course`: a
lesson's course is its unit's.

`tiny_png()` and `tiny_ogg()` are real (if tiny) media files, which the content checks accept.
"""

import struct
import zlib
from itertools import cycle

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Max
from django.utils import timezone

from courses.models import (
    Course,
    CourseStatus,
    Exercise,
    ExerciseOption,
    Language,
    Lesson,
    Section,
    Unit,
    Word,
)
from exercises.types import ExerciseType


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def tiny_png() -> bytes:
    """A valid 1x1 green PNG."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\x58\xcc\x02")  # filter byte, then one RGB pixel
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def _ogg_crc(data: bytes) -> int:
    # Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value 0, no final xor.
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def tiny_ogg() -> bytes:
    """One Ogg page holding a Vorbis identification header (mono, 8 kHz): a real Ogg stream."""
    vorbis_id = b"\x01vorbis" + struct.pack("<IBIiiiBB", 0, 1, 8000, 0, 0, 0, (11 << 4) | 8, 1)
    page = (
        b"OggS"
        + struct.pack("<BBqIII", 0, 0x02, 0, 0x4C696E67, 0, 0)  # version, BOS, granule, serial...
        + bytes([1, len(vorbis_id)])
        + vorbis_id
    )
    crc = _ogg_crc(page)
    return page[:22] + struct.pack("<I", crc) + page[26:]


def _next_position(model, **parent) -> int:
    """After the last sibling, so a row added to a built course never collides with it."""
    if any(getattr(value, "pk", value) is None for value in parent.values()):
        return 1
    last = model.objects.filter(**parent).aggregate(last=Max("position"))["last"]
    return 1 if last is None else last + 1


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = factory.Iterator(["es", "en", "fr", "de", "pt", "it"])
    name = factory.LazyAttribute(
        lambda o: {
            "es": "Spanish",
            "en": "English",
            "fr": "French",
            "de": "German",
            "pt": "Portuguese",
            "it": "Italian",
        }.get(o.code, o.code)
    )


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    description = "A course for tests."
    learning_language = factory.SubFactory(LanguageFactory, code="es")
    from_language = factory.SubFactory(LanguageFactory, code="en")
    status = CourseStatus.DRAFT

    class Params:
        # As `course_publish` leaves it (without checking the content: use build_course for that).
        published = factory.Trait(
            status=CourseStatus.PUBLISHED,
            version=1,
            published_at=factory.LazyFunction(timezone.now),
        )


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    course = factory.SubFactory(CourseFactory)
    position = factory.LazyAttribute(lambda o: _next_position(Section, course=o.course))
    title = factory.Sequence(lambda n: f"Section {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    section = factory.SubFactory(SectionFactory)
    position = factory.LazyAttribute(lambda o: _next_position(Unit, section=o.section))
    title = factory.Sequence(lambda n: f"Unit {n}")
    description = "Words for tests."
    guidebook = "Notes for tests."
    color = "#58CC02"
    icon = "star"


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson
        skip_postgeneration_save = True

    unit = factory.SubFactory(UnitFactory)
    course = factory.LazyAttribute(lambda lesson: lesson.unit.section.course)
    position = factory.LazyAttribute(lambda o: _next_position(Lesson, unit=o.unit))
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    title = factory.Sequence(lambda n: f"Lesson {n}")

    @factory.post_generation
    def prerequisites(self, create, extracted, **kwargs):
        if create and extracted:
            self.prerequisites.set(extracted)


def _teaching_lesson(word) -> Lesson:
    """The course's first lesson, made when the course has none: a word is taught somewhere."""
    lesson = Lesson.objects.filter(course=word.course).order_by("pk").first()
    return lesson or LessonFactory(unit__section__course=word.course)


class WordFactory(factory.django.DjangoModelFactory):
    """A word of `course`, taught by the course's first lesson (pass `lesson=None` for none)."""

    class Meta:
        model = Word

    course = factory.SubFactory(CourseFactory)
    lesson = factory.LazyAttribute(_teaching_lesson)
    text = factory.Sequence(lambda n: f"palabra{n}")
    translations = factory.Sequence(lambda n: [f"word {n}"])
    part_of_speech = Word.PartOfSpeech.NOUN


class ExerciseFactory(factory.django.DjangoModelFactory):
    """A valid exercise: `translate` unless a type trait is given.

    `multiple_choice=True` also makes three options, the first correct; pass
    `options=[("text", is_correct), ...]` for others, or `options=[]` for none.
    """

    class Meta:
        model = Exercise
        skip_postgeneration_save = True

    lesson = factory.SubFactory(LessonFactory)
    position = factory.LazyAttribute(lambda o: _next_position(Exercise, lesson=o.lesson))
    key = factory.Sequence(lambda n: f"exercise-{n}")
    type = ExerciseType.TRANSLATE
    prompt = "Hola, ¿cómo estás?"
    answers = factory.LazyFunction(lambda: ["Hello, how are you?", "Hi, how are you?"])

    class Params:
        translate = factory.Trait(type=ExerciseType.TRANSLATE)
        multiple_choice = factory.Trait(
            type=ExerciseType.MULTIPLE_CHOICE, prompt='Which one means "hello"?', answers=[]
        )
        fill_blank = factory.Trait(
            type=ExerciseType.FILL_BLANK,
            prompt="___ días",
            answers=factory.LazyFunction(lambda: ["Buenos"]),
        )
        word_bank = factory.Trait(
            type=ExerciseType.WORD_BANK,
            prompt="Good night",
            tiles=factory.LazyFunction(lambda: ["Buenas", "noches", "días", "tardes"]),
            answers=factory.LazyFunction(lambda: ["Buenas noches"]),
        )
        listen_type = factory.Trait(
            type=ExerciseType.LISTEN_TYPE,
            prompt="Type what you hear",
            audio=factory.django.FileField(filename="hola.ogg", data=tiny_ogg()),
            answers=factory.LazyFunction(lambda: ["hola"]),
        )
        match_pairs = factory.Trait(
            type=ExerciseType.MATCH_PAIRS,
            prompt="",
            answers=[],
            pairs=factory.LazyFunction(
                lambda: [["hola", "hello"], ["adiós", "goodbye"], ["gracias", "thank you"]]
            ),
        )

    @factory.post_generation
    def options(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            if self.type != ExerciseType.MULTIPLE_CHOICE:
                return
            extracted = [("hola", True), ("adiós", False), ("gracias", False)]
        ExerciseOption.objects.bulk_create(
            ExerciseOption(exercise=self, position=n, text=text, is_correct=correct)
            for n, (text, correct) in enumerate(extracted, start=1)
        )

    @factory.post_generation
    def words(self, create, extracted, **kwargs):
        if create and extracted:
            self.words.set(extracted)


class ExerciseOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExerciseOption

    exercise = factory.SubFactory(ExerciseFactory, multiple_choice=True, options=[])
    position = factory.LazyAttribute(lambda o: _next_position(ExerciseOption, exercise=o.exercise))
    text = factory.Sequence(lambda n: f"option {n}")
    is_correct = False


# The order build_course gives exercises in each lesson: every type appears in a 6-exercise lesson.
BUILD_TYPES = (
    ExerciseType.TRANSLATE,
    ExerciseType.MULTIPLE_CHOICE,
    ExerciseType.FILL_BLANK,
    ExerciseType.WORD_BANK,
    ExerciseType.MATCH_PAIRS,
    ExerciseType.LISTEN_TYPE,
)


def _exercise_fields(kind: ExerciseType, audio_name: str) -> dict:
    fields = {
        ExerciseType.TRANSLATE: {"prompt": "Hola", "answers": ["Hello", "Hi"]},
        ExerciseType.MULTIPLE_CHOICE: {"prompt": 'Which one means "hello"?'},
        ExerciseType.FILL_BLANK: {"prompt": "___ días", "answers": ["Buenos"]},
        ExerciseType.WORD_BANK: {
            "prompt": "Good night",
            "tiles": ["Buenas", "noches", "días"],
            "answers": ["Buenas noches"],
        },
        ExerciseType.MATCH_PAIRS: {"pairs": [["hola", "hello"], ["adiós", "goodbye"]]},
        ExerciseType.LISTEN_TYPE: {
            "prompt": "Type what you hear",
            "answers": ["hola"],
            "audio": audio_name,
        },
    }
    return {"type": kind, **fields[kind]}


def build_course(
    lessons: int = 3,
    exercises_per_lesson: int = 2,
    published: bool = True,
    *,
    lessons_per_unit: int = 5,
    units_per_section: int = 3,
    units: int | None = None,
    words_per_lesson: int = 0,
    **course_fields,
) -> Course:
    """A whole valid course, quickly (bulk inserts, so no history rows for its content).

    Lessons fill units of `lessons_per_unit`, units fill sections of `units_per_section`;
    positions start at 1; lesson slugs are `lesson-1`, `lesson-2`... Each lesson's exercises take
    the types of BUILD_TYPES in turn; multiple choice ones get three options, the first correct.
    `units=N` instead spreads the lessons over N units. `words_per_lesson` adds words taught by
    each lesson (`<lesson slug>-w<n>`). `published=True` marks the course published (version 1)
    as `course_publish` would.
    """
    if units:
        lessons_per_unit = max(1, -(-lessons // units))
    if published:
        course_fields.setdefault("published", True)
    course = CourseFactory(**course_fields)
    audio_name = (
        default_storage.save("exercises/audio/build.ogg", ContentFile(tiny_ogg()))
        if exercises_per_lesson >= BUILD_TYPES.index(ExerciseType.LISTEN_TYPE) + 1
        else ""
    )
    unit_count = -(-lessons // lessons_per_unit)
    section_count = -(-unit_count // units_per_section)
    sections = Section.objects.bulk_create(
        Section(course=course, position=n, title=f"Section {n}")
        for n in range(1, section_count + 1)
    )
    units = Unit.objects.bulk_create(
        Unit(
            section=sections[n // units_per_section],
            position=n % units_per_section + 1,
            title=f"Unit {n + 1}",
            description=f"Unit {n + 1} of the course.",
            guidebook="Read me first.",
            icon="star",
        )
        for n in range(unit_count)
    )
    lesson_rows = Lesson.objects.bulk_create(
        Lesson(
            course=course,
            unit=units[n // lessons_per_unit],
            position=n % lessons_per_unit + 1,
            slug=f"lesson-{n + 1}",
            title=f"Lesson {n + 1}",
        )
        for n in range(lessons)
    )
    exercises = Exercise.objects.bulk_create(
        Exercise(lesson=lesson, position=n, key=f"ex-{n}", **_exercise_fields(kind, audio_name))
        for lesson in lesson_rows
        for n, kind in zip(range(1, exercises_per_lesson + 1), cycle(BUILD_TYPES), strict=False)
    )
    ExerciseOption.objects.bulk_create(
        ExerciseOption(exercise=exercise, position=n, text=text, is_correct=n == 1)
        for exercise in exercises
        if exercise.type == ExerciseType.MULTIPLE_CHOICE
        for n, text in enumerate(("hola", "adiós", "gracias"), start=1)
    )
    Word.objects.bulk_create(
        Word(course=course, lesson=lesson, text=f"{lesson.slug}-w{n}", translations=[f"w{n}"])
        for lesson in lesson_rows
        for n in range(words_per_lesson)
    )
    return course
