from rest_framework import serializers

from classrooms.models import Membership


class JoinInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)


class MembershipUpdateInputSerializer(serializers.Serializer):
    share_email = serializers.BooleanField(
        required=False, help_text="Whether the class's teachers may see the learner's email."
    )


class ClassroomOutputSerializer(serializers.Serializer):
    """A classroom as its student sees it (built from their membership)."""

    id = serializers.IntegerField(source="classroom.id")
    name = serializers.CharField(source="classroom.name")
    teacher = serializers.SerializerMethodField(help_text="The owning teacher's display name.")
    course = serializers.CharField(source="classroom.course.slug", help_text="The course's slug.")
    course_title = serializers.CharField(source="classroom.course.title")
    joined_at = serializers.DateTimeField()
    share_email = serializers.BooleanField()

    def get_teacher(self, membership: Membership) -> str:
        owners = getattr(membership.classroom, "owners", None)
        if not owners:
            return ""
        teacher = owners[0].teacher
        return teacher.display_name or teacher.username or ""


class AssignmentProgressSerializer(serializers.Serializer):
    percent = serializers.IntegerField(min_value=0, max_value=100)
    lessons_done = serializers.IntegerField()
    lessons_total = serializers.IntegerField()
    xp = serializers.IntegerField(help_text="XP earned since the start day.")
    xp_goal = serializers.IntegerField()


class AssignmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    classroom = serializers.IntegerField(source="classroom_id")
    classroom_name = serializers.CharField(source="classroom.name")
    title = serializers.CharField()
    lessons = serializers.SerializerMethodField(help_text="Lesson ids, in id order.")
    xp_goal = serializers.IntegerField(help_text="0: no XP goal.")
    starts_at = serializers.DateField(help_text="A day of the classroom's time zone.")
    due_at = serializers.DateField(help_text="Due by the end of this day, classroom's time zone.")
    timezone = serializers.CharField(source="classroom.timezone")
    progress = AssignmentProgressSerializer(source="progress_view")
    status = serializers.ChoiceField(choices=["open", "done", "late", "missed"])

    def get_lessons(self, assignment) -> list[int]:
        return sorted(lesson.id for lesson in assignment.lessons.all())


class StandingSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    xp = serializers.IntegerField()
    rank = serializers.IntegerField()


class ClassLeaderboardOutputSerializer(serializers.Serializer):
    classroom = serializers.IntegerField()
    week_start = serializers.DateTimeField()
    standings = StandingSerializer(many=True)
