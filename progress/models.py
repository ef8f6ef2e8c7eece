"""A learner's way through a course: enrolments, lesson sessions with their answers, progress.

A session keeps a snapshot of the lesson's exercises as they were when it started, answer keys
included, so that an editor changing the lesson cannot change (or break) a running session: it is
shown, graded and scored against that snapshot alone.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Lesson


class Enrollment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="enrollment_unique_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"


class LessonProgress(models.Model):
    """One row per lesson a learner has passed at least once; its existence means `completed`.

    A practice run of the lesson counts in `times_practised`, never as another completion.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    best_score = models.PositiveSmallIntegerField(default=0)
    times_completed = models.PositiveIntegerField(default=0)
    first_completed_at = models.DateTimeField()
    last_completed_at = models.DateTimeField()
    times_practised = models.PositiveIntegerField(default=0)
    last_practised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_completed_at"]
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lesson_progress_unique"),
            models.CheckConstraint(
                condition=Q(best_score__lte=100), name="lesson_progress_best_score_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson} ({self.best_score}%)"


class SessionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class LessonSession(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_sessions"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="sessions")
    status = models.CharField(
        max_length=8, choices=SessionStatus.choices, default=SessionStatus.ACTIVE, db_index=True
    )
    practice = models.BooleanField(
        default=False,
        help_text=_(
            "A completed lesson taken again, or material met earlier practised to earn a heart "
            "back: no hearts lost, less XP or none."
        ),
    )
    seed = models.CharField(
        max_length=32, help_text=_("Makes the tile and pair shuffles of this session repeatable.")
    )
    exercises = models.JSONField(
        help_text=_("The lesson's exercises, answer keys included, as they were at the start.")
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    xp_earned = models.PositiveIntegerField(default=0)
    # The complete answer as first given, so that a retried complete returns it unchanged.
    result = models.JSONField(null=True, blank=True, editable=False)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "-started_at"], name="session_user_started")]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100),
                name="lesson_session_score_at_most_100",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == SessionStatus.ACTIVE

    def exercise(self, exercise_id: int) -> dict | None:
        return next((e for e in self.exercises if e["id"] == exercise_id), None)


class SessionAnswer(models.Model):
    # No index of its own: answer_session_exercise, (session, exercise_id), serves lookups by
    # session, and every answer would write a second one.
    session = models.ForeignKey(
        LessonSession, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    # The snapshot's exercise id, not a foreign key: the exercise may since have been deleted.
    exercise_id = models.BigIntegerField()
    client_id = models.UUIDField(null=True, blank=True)
    answer = models.JSONField()
    correct = models.BooleanField()
    first_try = models.BooleanField(
        help_text=_("The first answer to this exercise in the session.")
    )
    match = models.CharField(max_length=16, blank=True)
    solution = models.JSONField(help_text=_("The canonical answer shown: text, or the pairs."))
    feedback = models.TextField(blank=True)
    hearts_after = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "created_at", "id"]
        indexes = [models.Index(fields=["session", "exercise_id"], name="answer_session_exercise")]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "client_id"],
                condition=Q(client_id__isnull=False),
                name="answer_client_id_unique_in_session",
            ),
            # Only one first try per exercise, whatever the races.
            models.UniqueConstraint(
                fields=["session", "exercise_id"],
                condition=Q(first_try=True),
                name="answer_one_first_try_per_exercise",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.exercise_id}: {'right' if self.correct else 'wrong'}"
