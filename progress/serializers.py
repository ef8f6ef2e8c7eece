import json

from rest_framework import serializers

from config.api.fields import JSONObjectField
from courses.serializers import CourseOutputSerializer
from exercises.grading import ExerciseType
from gamification.serializers import RewardSerializer

# A generous bound on what an answer payload may weigh: the grader reads a few hundred characters.
MAX_ANSWER_JSON_CHARS = 10_000


class EnrollmentOutputSerializer(serializers.Serializer):
    course = serializers.SlugField(source="course.slug")
    created_at = serializers.DateTimeField()


class MyCourseOutputSerializer(serializers.Serializer):
    """An enrolment as `GET me/courses/` lists it: the course, as `GET courses/` shows it."""

    course = CourseOutputSerializer()
    enrolled_at = serializers.DateTimeField(source="created_at")


class SessionOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    image = serializers.CharField(allow_null=True, required=False)
    audio = serializers.CharField(allow_null=True, required=False)


class SessionExerciseSerializer(serializers.Serializer):
    """An exercise as the learner sees it: fields are listed one by one, so the snapshot's answer
    key can never slip out."""

    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=[t.value for t in ExerciseType])
    prompt = serializers.CharField(allow_blank=True)
    hint = serializers.CharField(allow_blank=True)
    audio = serializers.CharField(allow_null=True)
    image = serializers.CharField(allow_null=True)
    options = SessionOptionSerializer(many=True, required=False, help_text="multiple_choice")
    tiles = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="word_bank, shuffled"
    )
    left = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="match_pairs"
    )
    right = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="match_pairs, shuffled"
    )
    answer_language = serializers.CharField(
        help_text="The language code the learner answers in (the course's learning language or "
        "the language it is taught from)."
    )
    answered = serializers.BooleanField(
        required=False, help_text="GET sessions/{id}/: whether the exercise has been answered."
    )
    correct = serializers.BooleanField(
        required=False,
        help_text="GET sessions/{id}/, once answered: whether it has been answered right (an "
        "exercise answered right is done; one answered wrong is still owed a right answer).",
    )


class LessonSessionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    lesson = serializers.IntegerField(source="lesson_id")
    status = serializers.CharField()
    practice = serializers.BooleanField()
    hearts = serializers.IntegerField()
    exercises = SessionExerciseSerializer(many=True)


class SessionAnswerInputSerializer(serializers.Serializer):
    exercise = serializers.IntegerField()
    answer = JSONObjectField(
        help_text='By type: {"option": id}, {"text": "..."} or {"pairs": [[left, right], ...]}.'
    )
    client_id = serializers.UUIDField(required=False, allow_null=True)

    def validate_answer(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("The answer must be a JSON object.")
        if len(json.dumps(value)) > MAX_ANSWER_JSON_CHARS:
            raise serializers.ValidationError("The answer is too long.")
        if not _storable(value):
            raise serializers.ValidationError(
                "The answer may not contain NUL characters or unpaired surrogates."
            )
        return value


def _storable(value) -> bool:
    """Whether every string in the JSON value, keys included, fits PostgreSQL's jsonb, which
    refuses NUL and lone surrogates (valid JSON escapes both): stored as is, they would fail."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                return False
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


class SessionAnswerOutputSerializer(serializers.Serializer):
    correct = serializers.BooleanField()
    solution = serializers.JSONField(help_text="The canonical answer: text, or match pairs.")
    feedback = serializers.CharField(allow_blank=True)
    hearts = serializers.IntegerField()
    session_status = serializers.CharField()


class SessionNextLessonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    status = serializers.CharField()


class SessionCompleteOutputSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    score = serializers.IntegerField(help_text="Percent of exercises right on the first try.")
    xp_earned = serializers.IntegerField()
    streak = serializers.IntegerField()
    streak_extended = serializers.BooleanField()
    hearts = serializers.IntegerField()
    practice = serializers.BooleanField()
    next_lesson = SessionNextLessonSerializer(allow_null=True)
    rewards = RewardSerializer(
        many=True, help_text="What this completion unlocked: achievement tiers, quests, gems."
    )
