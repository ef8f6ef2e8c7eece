"""The content model's constraints and validators: each rule with a passing and a failing case.

Database constraints are tried twice: on `full_clean` (the message editors see on a form) and on
a raw save (the database itself refuses, whatever code writes).
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from courses.models import (
    Course,
    Exercise,
    ExerciseOption,
    Language,
    Lesson,
    Section,
    Unit,
    Word,
)
from exercises.media import validate_audio, validate_image
from tests.courses.factories import (
    CourseFactory,
    ExerciseFactory,
    ExerciseOptionFactory,
    LanguageFactory,
    LessonFactory,
    SectionFactory,
    UnitFactory,
    WordFactory,
    tiny_ogg,
    tiny_png,
)

pytestmark = pytest.mark.django_db


def refused_by_database(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


# --- Unique names and positions ------------------------------------------------------------


def test_a_language_code_is_unique():
    Language.objects.create(code="xx", name="One")

    assert refused_by_database(lambda: Language.objects.create(code="xx", name="Two"))


def test_a_course_slug_is_unique():
    CourseFactory(slug="es-en")

    assert refused_by_database(lambda: CourseFactory(slug="es-en"))
    CourseFactory(slug="es-fr")


def test_a_course_teaches_one_language_from_another():
    spanish = LanguageFactory(code="es")
    course = CourseFactory.build(learning_language=spanish, from_language=spanish)

    with pytest.raises(ValidationError, match=r"A course teaches one language from another\."):
        course.full_clean()
    assert refused_by_database(course.save)


def test_a_course_between_two_languages_is_valid():
    course = CourseFactory.build(
        learning_language=LanguageFactory(code="es"), from_language=LanguageFactory(code="en")
    )

    course.full_clean()


@pytest.mark.parametrize(
    ("factory", "model", "parent"),
    [
        (SectionFactory, Section, "course"),
        (UnitFactory, Unit, "section"),
        (LessonFactory, Lesson, "unit"),
        (ExerciseFactory, Exercise, "lesson"),
        (ExerciseOptionFactory, ExerciseOption, "exercise"),
    ],
)
def test_a_position_is_unique_in_its_parent(factory, model, parent):
    first = factory(position=1)
    same_parent = {parent: getattr(first, parent)}

    assert refused_by_database(lambda: factory(position=1, **same_parent))
    factory(position=2, **same_parent)
    factory(position=1)  # another parent


def test_a_lesson_slug_is_unique_in_its_course():
    lesson = LessonFactory(slug="greetings-1")

    assert refused_by_database(
        lambda: LessonFactory(unit=UnitFactory(section__course=lesson.course), slug="greetings-1")
    )


def test_the_same_lesson_slug_may_be_used_in_another_course():
    LessonFactory(slug="greetings-1")

    LessonFactory(slug="greetings-1")

    assert Lesson.objects.filter(slug="greetings-1").count() == 2


def test_a_lesson_takes_its_units_course():
    unit = UnitFactory()

    lesson = Lesson.objects.create(unit=unit, position=1, slug="one", title="One")

    assert lesson.course == unit.section.course


def test_word_text_is_unique_in_its_course():
    word = WordFactory(text="hola")

    assert refused_by_database(lambda: WordFactory(course=word.course, text="hola"))
    with pytest.raises(ValidationError):
        WordFactory.build(course=word.course, text="hola", lesson=None).full_clean()


def test_the_same_word_may_be_in_another_course():
    WordFactory(text="hola")

    WordFactory(text="hola").full_clean()


def test_an_exercise_key_is_unique_in_its_lesson():
    exercise = ExerciseFactory(key="hello")

    assert refused_by_database(lambda: ExerciseFactory(lesson=exercise.lesson, key="hello"))
    ExerciseFactory(lesson=exercise.lesson, key="goodbye")


def test_exercises_without_a_key_may_share_a_lesson():
    exercise = ExerciseFactory(key="")

    ExerciseFactory(lesson=exercise.lesson, key="")

    assert exercise.lesson.exercises.filter(key="").count() == 2


def test_an_exercise_type_must_be_one_of_the_six():
    exercise = ExerciseFactory()

    assert refused_by_database(lambda: Exercise.objects.filter(pk=exercise.pk).update(type="essay"))
    with pytest.raises(ValidationError):
        ExerciseFactory.build(lesson=exercise.lesson, position=99, type="essay").full_clean()


def test_an_exercise_has_at_most_one_correct_option_in_the_database():
    exercise = ExerciseFactory(multiple_choice=True)  # its first option is correct

    assert refused_by_database(
        lambda: ExerciseOptionFactory(exercise=exercise, text="otra", is_correct=True)
    )
    ExerciseOptionFactory(exercise=exercise, text="otra", is_correct=False)


# --- Checks and validators -----------------------------------------------------------------


@pytest.mark.parametrize(("score", "valid"), [(100, True), (0, True), (101, False)])
def test_a_pass_score_is_at_most_100(score, valid):
    lesson = LessonFactory()

    assert refused_by_database(
        lambda: Lesson.objects.filter(pk=lesson.pk).update(pass_score=score)
    ) is (not valid)


@pytest.mark.parametrize(("xp", "valid"), [(1000, True), (1001, False)])
def test_an_xp_reward_is_at_most_1000(xp, valid):
    lesson = LessonFactory()
    lesson.xp_reward = xp

    assert refused_by_database(lambda: lesson.save(update_fields=["xp_reward"])) is (not valid)


@pytest.mark.parametrize(
    ("color", "valid"), [("#58CC02", True), ("green", False), ("#58CC0", False)]
)
def test_a_unit_colour_is_a_hex_colour(color, valid):
    unit = UnitFactory.build(section=SectionFactory(), color=color, position=1)

    if valid:
        unit.full_clean()
    else:
        with pytest.raises(ValidationError, match=r"Use a colour like #58CC02\."):
            unit.full_clean()


# --- Media checked by content --------------------------------------------------------------


def test_a_real_ogg_is_accepted_as_audio():
    validate_audio(ContentFile(tiny_ogg(), name="hola.ogg"))


def test_a_real_png_is_accepted_as_an_image():
    validate_image(ContentFile(tiny_png(), name="hola.png"))


def test_a_text_file_renamed_ogg_is_refused_as_audio():
    with pytest.raises(ValidationError, match="not MP3, OGG or WAV audio"):
        validate_audio(ContentFile(b"hello, I am text\n" * 20, name="hola.ogg"))


def test_a_text_file_renamed_png_is_refused_as_an_image():
    with pytest.raises(ValidationError, match="not PNG, JPEG or WebP image"):
        validate_image(ContentFile(b"hello, I am text\n" * 20, name="hola.png"))


def test_a_png_is_refused_as_audio_whatever_its_name():
    with pytest.raises(ValidationError, match=r"its content says image/png"):
        validate_audio(ContentFile(tiny_png(), name="hola.mp3"))


@pytest.mark.parametrize("name", ["hola.html", "hola.svg", "hola.jpg", "hola"])
def test_an_image_named_as_something_else_is_refused(name):
    with pytest.raises(ValidationError, match=r"its name must end in \.png"):
        validate_image(ContentFile(tiny_png(), name=name))


def test_the_extension_may_be_in_capitals():
    validate_image(ContentFile(tiny_png(), name="HOLA.PNG"))
    validate_audio(ContentFile(tiny_ogg(), name="uploads/Hola.Ogg"))


def test_an_oversized_file_is_refused(settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = 1024

    with pytest.raises(ValidationError, match="the limit is 1024 bytes"):
        validate_image(ContentFile(tiny_png() + bytes(2048), name="big.png"))


def test_a_file_at_the_limit_is_accepted(settings):
    data = tiny_png()
    settings.MEDIA_MAX_UPLOAD_BYTES = len(data)

    validate_image(ContentFile(data, name="exact.png"))


@pytest.mark.parametrize(
    ("model", "field", "data", "valid"),
    [
        (Word, "audio", tiny_ogg(), True),
        (Word, "audio", tiny_png(), False),
        (Word, "image", tiny_png(), True),
        (Word, "image", tiny_ogg(), False),
        (Exercise, "audio", tiny_ogg(), True),
        (Exercise, "image", b"GIF89a", False),
        (ExerciseOption, "image", tiny_png(), True),
        (ExerciseOption, "audio", b"text", False),
    ],
)
def test_media_fields_check_their_files_content(model, field, data, valid):
    factory = {Word: WordFactory, Exercise: ExerciseFactory, ExerciseOption: ExerciseOptionFactory}
    obj = factory[model]()
    name = {"audio": "upload.ogg", "image": "upload.png"}[field]
    getattr(obj, field).save(name, ContentFile(data), save=False)

    if valid:
        obj.full_clean()
    else:
        with pytest.raises(ValidationError) as refused:
            obj.full_clean()
        assert field in refused.value.message_dict


def test_every_content_model_keeps_a_history():
    course = CourseFactory(title="First")
    course.title = "Renamed"
    course.save()

    assert [record.title for record in course.history.all()] == ["Renamed", "First"]
    for model in (Language, Course, Section, Unit, Lesson, Word, Exercise, ExerciseOption):
        assert hasattr(model, "history"), model
