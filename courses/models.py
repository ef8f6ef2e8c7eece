"""The content tree editors curate: course → section → unit → lesson → exercise → option.

Exercise rows live here, beside the lessons that hold them, because publishing, course packs and
the admin all work on the whole tree at once; the `exercises` app holds what an exercise *does*
(its rules, grading and media checks) as pure code that this app uses.
"""

import uuid

from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from exercises.media import validate_audio, validate_image
from exercises.types import ExerciseType

hex_color = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #58CC02."))

# What editors read for each type: the code stays in the database, packs and the API.
EXERCISE_TYPE_LABELS = {
    ExerciseType.MULTIPLE_CHOICE: _("Multiple choice"),
    ExerciseType.TRANSLATE: _("Translate"),
    ExerciseType.LISTEN_TYPE: _("Listen and type"),
    ExerciseType.FILL_BLANK: _("Fill in the blank"),
    ExerciseType.WORD_BANK: _("Word bank"),
    ExerciseType.MATCH_PAIRS: _("Match pairs"),
}


class Language(models.Model):
    code = models.CharField(max_length=16, unique=True, help_text=_("BCP 47 code, e.g. es, pt-BR"))
    name = models.CharField(max_length=80)
    native_name = models.CharField(max_length=80, blank=True)
    rtl = models.BooleanField(_("right to left"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=CourseStatus.PUBLISHED)


class Course(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    learning_language = models.ForeignKey(
        Language, on_delete=models.PROTECT, related_name="courses_teaching"
    )
    from_language = models.ForeignKey(
        Language, on_delete=models.PROTECT, related_name="courses_taught_in"
    )
    status = models.CharField(
        max_length=16, choices=CourseStatus.choices, default=CourseStatus.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(
        default=0, editable=False, help_text=_("Grows by one on every publish.")
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A new random value on every change to what `GET courses/{slug}/` shows (the course, its
    # sections, units, lessons and prerequisites: `courses.signals`), so a copy of the tree kept
    # under (id, revision) is never served stale. Random rather than counted: a database
    # restored from a backup, or a test's rolled-back transaction, could repeat a count with
    # other content under the same id.
    content_revision = models.UUIDField(default=uuid.uuid4, editable=False)

    history = HistoricalRecords(excluded_fields=["content_revision"])
    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(learning_language=models.F("from_language")),
                name="course_languages_differ",
                violation_error_message=_("A course teaches one language from another."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    class Level(models.TextChoices):
        A1 = "A1"
        A2 = "A2"
        B1 = "B1"
        B2 = "B2"
        C1 = "C1"
        C2 = "C2"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    cefr_level = models.CharField(_("CEFR level"), max_length=2, choices=Level.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["course", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "position"], name="section_position_unique_in_course"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Unit(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="units")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    guidebook = models.TextField(blank=True, help_text=_("Grammar and usage notes for the unit."))
    color = models.CharField(max_length=7, default="#58CC02", validators=[hex_color])
    icon = models.CharField(max_length=64, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "position"], name="unit_position_unique_in_section"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    # `course` repeats unit.section.course so that slugs can be unique per course in the database.
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveIntegerField()
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)
    xp_reward = models.PositiveIntegerField(
        _("XP reward"), default=10, validators=[MaxValueValidator(1000)]
    )
    pass_score = models.PositiveSmallIntegerField(
        default=80,
        validators=[MaxValueValidator(100)],
        help_text=_("Percentage of exercises right on first try needed to pass."),
    )
    prerequisites = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="unlocks",
        help_text=_("Lessons to complete first. Without any, the lesson before this one."),
    )

    history = HistoricalRecords(m2m_fields=[prerequisites])

    class Meta:
        ordering = ["unit__section__position", "unit__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="lesson_slug_unique_in_course"),
            models.UniqueConstraint(
                fields=["unit", "position"], name="lesson_position_unique_in_unit"
            ),
            models.CheckConstraint(
                condition=Q(pass_score__lte=100), name="lesson_pass_score_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(xp_reward__lte=1000), name="lesson_xp_reward_at_most_1000"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.unit_id and not self.course_id:
            self.course_id = Section.objects.values_list("course_id", flat=True).get(
                units__id=self.unit_id
            )
        super().save(*args, **kwargs)


class Word(models.Model):
    class PartOfSpeech(models.TextChoices):
        NOUN = "noun"
        VERB = "verb"
        ADJECTIVE = "adjective"
        ADVERB = "adverb"
        PRONOUN = "pronoun"
        PREPOSITION = "preposition"
        CONJUNCTION = "conjunction"
        INTERJECTION = "interjection"
        ARTICLE = "article"
        NUMERAL = "numeral"
        PARTICLE = "particle"
        PHRASE = "phrase"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="words")
    lesson = models.ForeignKey(
        Lesson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="words",
        help_text=_("The lesson that teaches the word; completing it starts the word's reviews."),
    )
    text = models.CharField(max_length=200)
    translations = models.JSONField(default=list, help_text=_("Meanings, the most common first."))
    part_of_speech = models.CharField(max_length=16, choices=PartOfSpeech.choices, blank=True)
    audio = models.FileField(upload_to="words/audio/", blank=True, validators=[validate_audio])
    image = models.FileField(upload_to="words/images/", blank=True, validators=[validate_image])
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["text"]
        constraints = [
            models.UniqueConstraint(fields=["course", "text"], name="word_text_unique_in_course")
        ]

    def __str__(self) -> str:
        return self.text


class Exercise(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="exercises")
    position = models.PositiveIntegerField()
    key = models.SlugField(
        max_length=100,
        blank=True,
        help_text=_("Stable name within the lesson; pack updates match exercises by it."),
    )
    type = models.CharField(
        max_length=20, choices=[(t.value, EXERCISE_TYPE_LABELS[t]) for t in ExerciseType]
    )
    prompt = models.TextField(blank=True)
    hint = models.TextField(blank=True)
    explanation = models.TextField(blank=True)
    audio = models.FileField(upload_to="exercises/audio/", blank=True, validators=[validate_audio])
    image = models.FileField(upload_to="exercises/images/", blank=True, validators=[validate_image])
    words = models.ManyToManyField(Word, blank=True, related_name="exercises")
    answers = models.JSONField(
        default=list, blank=True, help_text=_("Accepted answers; the first is shown as solution.")
    )
    tiles = models.JSONField(default=list, blank=True, help_text=_("Word bank tiles."))
    pairs = models.JSONField(default=list, blank=True, help_text=_("Match pairs: [[left, right]]"))
    answer_language = models.CharField(
        max_length=16,
        blank=True,
        help_text=_(
            "The language code the learner answers in: the course's learning language or the "
            "language it is taught from. Empty: decided from the exercise (see exercises."
            "languages)."
        ),
    )

    history = HistoricalRecords(m2m_fields=[words])

    class Meta:
        ordering = ["lesson", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "position"], name="exercise_position_unique_in_lesson"
            ),
            models.UniqueConstraint(
                fields=["lesson", "key"],
                condition=~Q(key=""),
                name="exercise_key_unique_in_lesson",
                # A conditional constraint has no field message of its own, only its name.
                violation_error_message=_("Another exercise of this lesson has this key."),
            ),
            models.CheckConstraint(
                condition=Q(type__in=[t.value for t in ExerciseType]), name="exercise_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.prompt[:60] or self.key or self.pk}"


class ExerciseOption(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField()
    text = models.CharField(max_length=2000)
    is_correct = models.BooleanField(_("correct"), default=False)
    image = models.FileField(upload_to="options/images/", blank=True, validators=[validate_image])
    audio = models.FileField(upload_to="options/audio/", blank=True, validators=[validate_audio])

    history = HistoricalRecords()

    class Meta:
        ordering = ["exercise", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "position"], name="option_position_unique_in_exercise"
            ),
            # At most one correct option in the database; "exactly one" is checked on save of
            # the whole exercise, since options arrive one row at a time.
            models.UniqueConstraint(
                fields=["exercise"],
                condition=Q(is_correct=True),
                name="option_one_correct_per_exercise",
            ),
        ]

    def __str__(self) -> str:
        return self.text
