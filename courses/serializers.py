"""What learners read about courses: the catalogue and the path (API.md, "Courses and the path")."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courses.models import Course, Language, Lesson, Section, Unit

# Until a caller knows better (the learning loop supplies statuses per learner), every lesson of a
# published course is open.
DEFAULT_LESSON_STATUS = "available"
LESSON_STATUSES = ("locked", "available", "completed")


class LanguageOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = ["code", "name"]


class CourseOutputSerializer(serializers.ModelSerializer):
    learning_language = LanguageOutputSerializer()
    from_language = LanguageOutputSerializer()

    class Meta:
        model = Course
        fields = [
            "id",
            "slug",
            "title",
            "description",
            "learning_language",
            "from_language",
            "version",
        ]


class PathLessonOutputSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()

    class Meta:
        model = Lesson
        fields = ["id", "slug", "title", "xp_reward", "status"]

    @extend_schema_field(serializers.ChoiceField(choices=LESSON_STATUSES))
    def get_status(self, lesson: Lesson) -> str:
        return self.context.get("lesson_statuses", {}).get(lesson.pk, DEFAULT_LESSON_STATUS)


class PathUnitOutputSerializer(serializers.ModelSerializer):
    lessons = PathLessonOutputSerializer(many=True)

    class Meta:
        model = Unit
        fields = ["id", "title", "description", "guidebook", "color", "icon", "lessons"]


class PathSectionOutputSerializer(serializers.ModelSerializer):
    units = PathUnitOutputSerializer(many=True)

    class Meta:
        model = Section
        fields = ["id", "title", "description", "cefr_level", "units"]


class CourseTreeOutputSerializer(CourseOutputSerializer):
    """The course with its path. Context: `lesson_statuses`, lesson id → status."""

    sections = PathSectionOutputSerializer(many=True)

    class Meta(CourseOutputSerializer.Meta):
        fields = [*CourseOutputSerializer.Meta.fields, "sections"]
