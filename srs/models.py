"""What spaced repetition keeps per learner: a card per word, a log per review, settings, and the
day's review session.

A card holds the FSRS state exactly as the `fsrs` library's `Card` has it (state and step as
ints, stability and difficulty as double-precision floats, due and last review as UTC datetimes
with microseconds), so loading a card and reviewing it again gives the library's own result.
"""

import fsrs
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Bounds of the learner's settings. They live here once: the field validators and
# `ReviewSettings.clean` apply them, and the API serializer, the admin and the service read them.
RETENTION_MIN = 0.7
RETENTION_MAX = 0.99
NEW_CARDS_PER_DAY_MAX = 500
REVIEWS_PER_DAY_MAX = 1000
LEARNING_STEPS_MAX = 10
# A learning step under a minute is no spacing at all: the card would come straight back.
STEP_SECONDS_MIN = 60
STEP_SECONDS_MAX = 24 * 60 * 60
# The `fsrs` library's own default: a hundred years, i.e. no limit in practice.
MAXIMUM_INTERVAL_MAX = 36500
REMINDER_HOUR_MAX = 23


class CardState(models.IntegerChoices):
    """The values of `fsrs.State`, stored as they are."""

    LEARNING = 1, _("Learning")
    REVIEW = 2, _("Review")
    RELEARNING = 3, _("Relearning")


class Rating(models.IntegerChoices):
    """The values of `fsrs.Rating`, stored as they are."""

    AGAIN = 1, _("Again")
    HARD = 2, _("Hard")
    GOOD = 3, _("Good")
    EASY = 4, _("Easy")


class ReviewCard(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_cards",
        # The unique (user, word) index and the due indexes all start with user_id.
        db_index=False,
    )
    word = models.ForeignKey("courses.Word", on_delete=models.CASCADE, related_name="review_cards")
    state = models.PositiveSmallIntegerField(choices=CardState.choices, default=CardState.LEARNING)
    step = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        default=0,
        help_text=_("Learning or relearning step; none in review."),
    )
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField(default=timezone.now)
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0, help_text=_("Reviews so far."))
    lapses = models.PositiveIntegerField(
        default=0, help_text=_("Times the word was forgotten after it had been learned.")
    )
    suspended = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("review card")
        verbose_name_plural = _("review cards")
        constraints = [
            models.UniqueConstraint(fields=["user", "word"], name="srs_card_once_per_word"),
        ]
        # The queue reads `user = ? AND due <= now AND NOT suspended ORDER BY due LIMIT n` twice:
        # once for cards never reviewed (limited by new cards per day) and once for the others.
        # Each kind has its own partial index, so each read is a range scan that stops at n rows,
        # already in due order, however many cards of the other kind come first.
        indexes = [
            models.Index(
                fields=["user", "due"],
                condition=Q(suspended=False, last_review__isnull=False),
                name="srs_card_due_seen",
            ),
            models.Index(
                fields=["user", "due"],
                condition=Q(suspended=False, last_review__isnull=True),
                name="srs_card_due_new",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.word_id}"


class ReviewLog(models.Model):
    card = models.ForeignKey(ReviewCard, on_delete=models.CASCADE, related_name="logs")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_logs",
        db_index=False,
    )
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    was_new = models.BooleanField(
        default=False, help_text=_("The card's first review (counts against new cards per day).")
    )
    exercise_type = models.CharField(max_length=20, blank=True)
    correct = models.BooleanField(null=True, blank=True, help_text=_("None when rated directly."))
    state_before = models.PositiveSmallIntegerField(choices=CardState.choices)
    state_after = models.PositiveSmallIntegerField(choices=CardState.choices)
    due_before = models.DateTimeField()
    due_after = models.DateTimeField()
    stability_after = models.FloatField()
    difficulty_after = models.FloatField()

    class Meta:
        verbose_name = _("review log")
        verbose_name_plural = _("review logs")
        # Today's reviews are counted by a range on reviewed_at for one learner.
        indexes = [models.Index(fields=["user", "reviewed_at"], name="srs_log_user_time")]

    def __str__(self) -> str:
        return f"{self.card_id} rated {self.rating} at {self.reviewed_at:%Y-%m-%d %H:%M}"


def validate_steps(steps) -> None:
    if not isinstance(steps, list) or len(steps) > LEARNING_STEPS_MAX:
        raise ValidationError(f"Give a list of at most {LEARNING_STEPS_MAX} steps, in seconds.")
    if any(
        isinstance(s, bool)
        or not isinstance(s, int)
        or not STEP_SECONDS_MIN <= s <= STEP_SECONDS_MAX
        for s in steps
    ):
        raise ValidationError(
            f"Each step is a whole number of seconds "
            f"from {STEP_SECONDS_MIN} to {STEP_SECONDS_MAX}.",
        )


def validate_fsrs_parameters(parameters) -> None:
    """The library's own bounds on the weights, with its explanation."""
    if parameters is None:
        return
    if not isinstance(parameters, list) or not all(
        isinstance(p, int | float) and not isinstance(p, bool) for p in parameters
    ):
        raise ValidationError("FSRS parameters are a list of numbers.")
    try:
        fsrs.Scheduler(parameters=parameters)
    except ValueError as error:
        raise ValidationError(str(error)) from error


def default_learning_steps() -> list[int]:
    return [60, 600]


def default_relearning_steps() -> list[int]:
    return [600]


class ReviewSettings(models.Model):
    """A learner's review preferences; created on first read or write, defaults until then."""

    # What a learner may change (the API's and the admin's fields).
    EDITABLE_FIELDS = (
        "desired_retention",
        "new_cards_per_day",
        "max_reviews_per_day",
        "learning_steps",
        "relearning_steps",
        "maximum_interval",
        "parameters",
        "reminders_enabled",
        "reminder_hour",
    )

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_settings"
    )
    desired_retention = models.FloatField(
        default=0.90,
        validators=[MinValueValidator(RETENTION_MIN), MaxValueValidator(RETENTION_MAX)],
    )
    new_cards_per_day = models.PositiveSmallIntegerField(
        default=20, validators=[MaxValueValidator(NEW_CARDS_PER_DAY_MAX)]
    )
    max_reviews_per_day = models.PositiveSmallIntegerField(
        default=200, validators=[MinValueValidator(1), MaxValueValidator(REVIEWS_PER_DAY_MAX)]
    )
    learning_steps = models.JSONField(
        default=default_learning_steps,
        validators=[validate_steps],
        help_text=_("Seconds between learning steps."),
    )
    relearning_steps = models.JSONField(
        default=default_relearning_steps,
        validators=[validate_steps],
        help_text=_("Seconds between relearning steps."),
    )
    maximum_interval = models.PositiveIntegerField(
        default=MAXIMUM_INTERVAL_MAX,
        validators=[MinValueValidator(1), MaxValueValidator(MAXIMUM_INTERVAL_MAX)],
        help_text=_("In days."),
    )
    parameters = models.JSONField(
        null=True,
        blank=True,
        validators=[validate_fsrs_parameters],
        help_text=_("Personal FSRS weights; empty for the defaults."),
    )
    reminders_enabled = models.BooleanField(default=True)
    reminder_hour = models.PositiveSmallIntegerField(
        default=8,
        validators=[MaxValueValidator(REMINDER_HOUR_MAX)],
        help_text=_("Local hour (0-23) from which the day's reminder may be sent."),
    )

    class Meta:
        verbose_name = _("review settings")
        verbose_name_plural = _("review settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    desired_retention__gte=RETENTION_MIN, desired_retention__lte=RETENTION_MAX
                ),
                name="srs_settings_retention_range",
            ),
            models.CheckConstraint(
                condition=Q(reminder_hour__lte=REMINDER_HOUR_MAX),
                name="srs_settings_reminder_hour_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Review settings of {self.user_id}"

    def clean(self) -> None:
        # Each field's own bounds are its validators; this is the rule between two fields.
        if (
            isinstance(self.new_cards_per_day, int)
            and isinstance(self.max_reviews_per_day, int)
            and self.new_cards_per_day > self.max_reviews_per_day
        ):
            raise ValidationError(
                {"new_cards_per_day": "New cards a day cannot exceed reviews a day."},
            )


class DailyReviewSession(models.Model):
    """The review queue as it stood on the learner's local morning, and whether the reminder went.

    One per learner and local day: the hourly job creates it once, so running twice sends nothing
    twice.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="daily_review_sessions",
        db_index=False,
    )
    local_date = models.DateField()
    card_ids = models.JSONField(default=list)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("daily review session")
        verbose_name_plural = _("daily review sessions")
        constraints = [
            models.UniqueConstraint(fields=["user", "local_date"], name="srs_session_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.local_date}: {self.size} cards"
