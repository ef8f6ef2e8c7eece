"""Classrooms: a teacher's class on one course, its students and the work assigned to them.

A student's membership is never deleted when they leave (`left_at`): the teacher sees that they
left, and nothing of their learning after that. Assignment dates are calendar dates of the class's
time zone; `selectors.assignment_window` turns them into the UTC instants compared with stored
times.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_timezone
from config.timeutils import local_midnight
from courses.models import Course, Lesson

# No 0/O, 1/I/L: a code read aloud or copied from a board is typed right the first time.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
# Assignment days a school year can hold. Far dates are typos (year 0202, 9999), and the ends of
# the calendar overflow when a day becomes an instant in the class's time zone.
ASSIGNMENT_FIRST_DAY = date(2000, 1, 1)
ASSIGNMENT_LAST_DAY = date(2099, 12, 31)


class Classroom(models.Model):
    name = models.CharField(max_length=100)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="classrooms")
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=_("Assignment dates are days of this time zone."),
    )
    join_code = models.CharField(max_length=16, unique=True)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ClassroomTeacher", related_name="classrooms_taught"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            # Codes are looked up upper-cased (`join_code_normalize`): any other stored code
            # could never be typed in.
            models.CheckConstraint(
                condition=Q(join_code__regex=r"^[A-Z0-9]{4,16}$"), name="classroom_join_code_form"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class TeacherRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    CO_TEACHER = "co_teacher", _("Co-teacher")


class ClassroomTeacher(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="teaching")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teaching"
    )
    role = models.CharField(max_length=16, choices=TeacherRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["classroom", "role", "added_at"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "teacher"], name="classroom_teacher_once"),
            models.UniqueConstraint(
                fields=["classroom"],
                condition=Q(role="owner"),
                name="classroom_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(role__in=TeacherRole.values), name="classroom_teacher_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} teaches {self.classroom} ({self.role})"


class Membership(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classroom_memberships"
    )
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    share_email = models.BooleanField(
        default=False, help_text=_("The student lets the class's teachers see their email.")
    )

    class Meta:
        ordering = ["classroom", "joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "student"], name="membership_once"),
        ]
        indexes = [models.Index(fields=["student", "left_at"], name="membership_student_live")]

    def __str__(self) -> str:
        return f"{self.student} in {self.classroom}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class Assignment(models.Model):
    """Lessons to complete and/or XP to earn between two days of the class's calendar, both
    included: due on `due_at` means by the end of that day in the class's time zone."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="assignments")
    title = models.CharField(max_length=200)
    lessons = models.ManyToManyField(Lesson, blank=True, related_name="+")
    xp_goal = models.PositiveIntegerField(default=0, help_text=_("0: no XP goal."))
    starts_at = models.DateField()
    due_at = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gte=models.F("starts_at")), name="assignment_due_after_start"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__gte=ASSIGNMENT_FIRST_DAY, due_at__lte=ASSIGNMENT_LAST_DAY),
                name="assignment_days_in_range",
                violation_error_message=_("Assignment days are from 2000 to 2099."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def window(self, zone: ZoneInfo | None = None) -> tuple[datetime, datetime]:
        """[start, deadline) in UTC: the start day's midnight to the midnight after the due day."""
        zone = zone or self.classroom.zone
        return (
            local_midnight(self.starts_at, zone),
            local_midnight(self.due_at + timedelta(days=1), zone),
        )


class TeacherSettings(models.Model):
    teacher = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="teacher_settings",
    )
    weekly_digest = models.BooleanField(
        default=False, help_text=_("A Monday email with each class's alerts.")
    )

    class Meta:
        verbose_name_plural = _("teacher settings")

    def __str__(self) -> str:
        return f"{self.teacher}: digest {'on' if self.weekly_digest else 'off'}"


class DigestSent(models.Model):
    """One row per teacher and week: the digest job sends once whatever runs it, however often."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    week_start = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["teacher", "week_start"], name="digest_once_a_week")
        ]

    def __str__(self) -> str:
        return f"{self.teacher_id} {self.week_start}"
