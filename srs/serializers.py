from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS
from rest_framework import serializers

from config.api.fields import JSONObjectField, QuerySerializer
from gamification.serializers import RewardSerializer
from srs.models import (
    LEARNING_STEPS_MAX,
    MAXIMUM_INTERVAL_MAX,
    NEW_CARDS_PER_DAY_MAX,
    REMINDER_HOUR_MAX,
    RETENTION_MAX,
    RETENTION_MIN,
    REVIEWS_PER_DAY_MAX,
    STEP_SECONDS_MAX,
    STEP_SECONDS_MIN,
    Rating,
    ReviewSettings,
)

DUE_PAGE_DEFAULT = 50
DUE_PAGE_MAX = 200
FORECAST_DAYS_MAX = 365
DURATION_MS_MAX = 60 * 60 * 1000


# --- Due ---------------------------------------------------------------------------------------


class DueQuerySerializer(QuerySerializer):
    limit = serializers.IntegerField(
        min_value=1,
        max_value=DUE_PAGE_MAX,
        default=DUE_PAGE_DEFAULT,
        help_text="How many of the due cards to return, most overdue first.",
    )


class OptionSerializer(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()


class ReviewExerciseSerializer(serializers.Serializer):
    type = serializers.CharField(
        help_text="translate, multiple_choice, listen_type, or flashcard (answer with a rating)."
    )
    kind = serializers.ChoiceField(choices=["meaning", "recall", "choice", "listen", "flashcard"])
    prompt = serializers.CharField()
    direction = serializers.ChoiceField(
        choices=["from_learning", "to_learning"],
        required=False,
        help_text="translate: from_learning shows the word, to_learning its translations.",
    )
    audio = serializers.CharField(required=False, help_text="listen_type: the audio's URL.")
    options = OptionSerializer(many=True, required=False, help_text="multiple_choice only.")
    answer_language = serializers.CharField(
        help_text="The language code the learner answers in (a flashcard: the word's language)."
    )


class WordBriefSerializer(serializers.Serializer):
    """What can be shown of the word before the answer without giving it away."""

    id = serializers.IntegerField()
    part_of_speech = serializers.CharField()


class DueItemSerializer(serializers.Serializer):
    card = serializers.IntegerField()
    word = WordBriefSerializer()
    exercise = ReviewExerciseSerializer()


class DueOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        help_text="Cards the learner may review now within today's limits (results may be fewer)."
    )
    new_left = serializers.IntegerField(help_text="New cards the learner may still start today.")
    reviews_left = serializers.IntegerField(help_text="Reviews the learner may still do today.")
    results = DueItemSerializer(many=True)


# --- Answer ------------------------------------------------------------------------------------


class RatingField(serializers.ChoiceField):
    """A rating is the JSON integer 1 to 4: ChoiceField alone compares choices as strings, so it
    would take "3" too (and bind clients to a leniency the contract never promised)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class AnswerInputSerializer(serializers.Serializer):
    exactly_one_of = ("answer", "rating")  # stated in the schema by config.api.schema
    answer = JSONObjectField(
        required=False,
        help_text='As in lessons: {"text": "..."}, or {"option": "<id>"} for multiple_choice.',
    )
    rating = RatingField(
        choices=Rating.choices, required=False, help_text="1 Again, 2 Hard, 3 Good, 4 Easy."
    )
    duration_ms = serializers.IntegerField(
        min_value=0,
        max_value=DURATION_MS_MAX,
        required=False,
        allow_null=True,
        help_text="How long the learner took to answer, in milliseconds.",
    )

    def validate_answer(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError(
                'The answer must be a JSON object, such as {"text": "..."} or {"option": "<id>"}.'
            )
        return value

    def validate(self, attrs):
        if ("answer" in attrs) == ("rating" in attrs):
            raise serializers.ValidationError("Send either an answer or a rating.")
        return attrs


class CardOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    state = serializers.IntegerField(help_text="1 Learning, 2 Review, 3 Relearning.")
    due = serializers.DateTimeField()
    reps = serializers.IntegerField()
    lapses = serializers.IntegerField()


class WordOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    text = serializers.CharField()
    translations = serializers.ListField(child=serializers.CharField())


class AnswerOutputSerializer(serializers.Serializer):
    correct = serializers.BooleanField()
    rating = serializers.IntegerField(help_text="1 Again, 2 Hard, 3 Good, 4 Easy.")
    due = serializers.DateTimeField(source="card.due", help_text="When the card is due next.")
    feedback = serializers.CharField(allow_blank=True)
    solution = serializers.CharField()
    xp_earned = serializers.IntegerField(
        help_text="Review XP: only for an answer graded right (never for a rating), and 0 once "
        "the learner's review XP for their local day reached its cap."
    )
    card = CardOutputSerializer()
    word = WordOutputSerializer(source="card.word")
    rewards = RewardSerializer(
        many=True, help_text="What this answer unlocked: achievement tiers, quests, gems."
    )


# --- Forecast ----------------------------------------------------------------------------------


class ForecastQuerySerializer(QuerySerializer):
    days = serializers.IntegerField(min_value=1, max_value=FORECAST_DAYS_MAX, default=7)


class ForecastDaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="A day in the learner's time zone.")
    count = serializers.IntegerField()


class ForecastOutputSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    results = ForecastDaySerializer(many=True)


# --- Settings ----------------------------------------------------------------------------------


def _steps_field() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=STEP_SECONDS_MIN, max_value=STEP_SECONDS_MAX),
        max_length=LEARNING_STEPS_MAX,
        allow_empty=True,
        help_text="Seconds between steps.",
    )


class ReviewSettingsSerializer(serializers.ModelSerializer):
    desired_retention = serializers.FloatField(min_value=RETENTION_MIN, max_value=RETENTION_MAX)
    new_cards_per_day = serializers.IntegerField(min_value=0, max_value=NEW_CARDS_PER_DAY_MAX)
    max_reviews_per_day = serializers.IntegerField(min_value=1, max_value=REVIEWS_PER_DAY_MAX)
    learning_steps = _steps_field()
    relearning_steps = _steps_field()
    maximum_interval = serializers.IntegerField(min_value=1, max_value=MAXIMUM_INTERVAL_MAX)
    # The schema can say the count and the widest range; each weight's own bounds are in the
    # help text (OpenAPI 3.0 has no per-position item schemas) and checked by the service.
    parameters = serializers.ListField(
        child=serializers.FloatField(
            min_value=min(LOWER_BOUNDS_PARAMETERS), max_value=max(UPPER_BOUNDS_PARAMETERS)
        ),
        min_length=len(LOWER_BOUNDS_PARAMETERS),
        max_length=len(LOWER_BOUNDS_PARAMETERS),
        allow_null=True,
        required=False,
        help_text=(
            f"Personal FSRS weights ({len(LOWER_BOUNDS_PARAMETERS)} numbers, each within its "
            "bounds: "
            + ", ".join(
                f"[{low}, {high}]"
                for low, high in zip(LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
            )
            + "); null for the library's defaults."
        ),
    )
    reminder_hour = serializers.IntegerField(min_value=0, max_value=REMINDER_HOUR_MAX)

    class Meta:
        model = ReviewSettings
        fields = ReviewSettings.EDITABLE_FIELDS
