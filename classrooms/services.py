"""Writes of classrooms: each validates, then changes the database in one transaction."""

import secrets
from datetime import date, datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from accounts.error_codes import AccountsErrorCode
from accounts.selectors import user_get_by_email, user_is_teacher
from accounts.validators import validate_timezone
from classrooms.error_codes import ClassroomsErrorCode
from classrooms.models import (
    ASSIGNMENT_FIRST_DAY,
    ASSIGNMENT_LAST_DAY,
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    Assignment,
    Classroom,
    ClassroomTeacher,
    DigestSent,
    Membership,
    TeacherRole,
    TeacherSettings,
)
from classrooms.selectors import (
    classroom_is_taught_by,
    classroom_open_by_code,
    digest_recipients,
    teacher_digest_get,
    week_start,
)
from config.api.error_codes import ApiErrorCode
from config.api.errors import ApplicationError, Conflict, NotFound
from config.timeutils import aware
from courses.models import Course, CourseStatus
from progress.services import enrollment_create

# 31**6 codes: a collision is rare, a few tries make it vanishingly so.
JOIN_CODE_TRIES = 8
NAME_MAX_LENGTH = Classroom._meta.get_field("name").max_length
XP_GOAL_MAX = 100_000
# A few wrong join codes are typos; dozens are someone walking the 31**6 codes for a class to
# get into. Past this many misses in the window, every lookup by that person is refused.
JOIN_MISSES_ALLOWED = 20
JOIN_MISSES_WINDOW_SECONDS = 3600


def _join_code_new() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def _with_fresh_code(save) -> None:
    """Calls `save(code)` with new codes until one is not taken (a savepoint per try)."""
    for _ in range(JOIN_CODE_TRIES):
        try:
            with transaction.atomic():
                save(_join_code_new())
            return
        except IntegrityError:
            continue
    raise RuntimeError("No free join code after several tries.")


def _name_clean(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ApplicationError(
            "A classroom needs a name.", code=ApiErrorCode.INVALID, fields={"name": ["Required."]}
        )
    if len(name) > NAME_MAX_LENGTH:
        raise ApplicationError(
            "The name is too long.",
            code=ApiErrorCode.INVALID,
            fields={"name": [f"At most {NAME_MAX_LENGTH} characters."]},
        )
    return name


def _timezone_clean(value: str) -> str:
    try:
        validate_timezone(value)
    except ValidationError as exc:
        raise ApplicationError(
            "Unknown time zone.", code=ApiErrorCode.INVALID, fields={"timezone": exc.messages}
        ) from exc
    return value


@transaction.atomic
def classroom_create(*, owner, name: str, course: Course, timezone_name: str = "") -> Classroom:
    if not user_is_teacher(user=owner):
        raise ApplicationError(
            "Only teachers create classrooms.", code=ApiErrorCode.PERMISSION_DENIED
        )
    classroom = Classroom(
        name=_name_clean(name),
        course=course,
        timezone=_timezone_clean(timezone_name or owner.timezone),
    )

    def save(code: str) -> None:
        classroom.join_code = code
        classroom.save()

    _with_fresh_code(save)
    ClassroomTeacher.objects.create(classroom=classroom, teacher=owner, role=TeacherRole.OWNER)
    return classroom


@transaction.atomic
def classroom_update(*, classroom: Classroom, name: str, timezone_name: str) -> Classroom:
    classroom.name = _name_clean(name)
    classroom.timezone = _timezone_clean(timezone_name)
    classroom.save(update_fields=["name", "timezone"])
    return classroom


@transaction.atomic
def classroom_archive(*, classroom: Classroom, archived: bool = True, now=None) -> Classroom:
    """Archiving closes the class to joining and hides it from its students' lists; the data
    stays, and unarchiving brings it back."""
    classroom.archived_at = aware(now) if archived else None
    classroom.save(update_fields=["archived_at"])
    return classroom


@transaction.atomic
def join_code_regenerate(*, classroom: Classroom) -> str:
    """A new code; the old one stops working (a code that leaked out of the class)."""

    def save(code: str) -> None:
        Classroom.objects.filter(pk=classroom.pk).update(join_code=code)
        classroom.join_code = code

    _with_fresh_code(save)
    return classroom.join_code


@transaction.atomic
def co_teacher_add(*, classroom: Classroom, email: str) -> tuple[ClassroomTeacher, bool]:
    """Adds a teacher (a member of the `teachers` group) by their account's email; (their link to
    the class, whether it is new). One who already teaches it keeps their role."""
    teacher = user_get_by_email(email=email or "")
    if teacher is None or not user_is_teacher(user=teacher):
        raise NotFound(
            "No teacher has an account with this email.",
            code=ClassroomsErrorCode.TEACHER_NOT_FOUND,
            fields={"email": ["No teacher account with this email."]},
        )
    return ClassroomTeacher.objects.get_or_create(
        classroom=classroom, teacher=teacher, defaults={"role": TeacherRole.CO_TEACHER}
    )


@transaction.atomic
def co_teacher_remove(*, classroom: Classroom, teacher_id: int) -> bool:
    """Removes a co-teacher (never the owner); False when there was none by this id."""
    deleted, _ = ClassroomTeacher.objects.filter(
        classroom=classroom, teacher_id=teacher_id, role=TeacherRole.CO_TEACHER
    ).delete()
    return bool(deleted)


def _join_misses_key(user_id: int) -> str:
    return f"classrooms:join-misses:{user_id}"


def classroom_by_code_for(*, user, code: str) -> Classroom | None:
    """The open class `user` may join with `code`, or None. Each miss counts (in the cache); past
    JOIN_MISSES_ALLOWED misses in the window the lookup answers 429 even for a right code, since
    a different answer for it would still tell a guesser they had found one."""
    key = _join_misses_key(user.pk)
    if (cache.get(key) or 0) >= JOIN_MISSES_ALLOWED:
        raise ApplicationError(
            "Too many wrong join codes: try again in an hour, or ask your teacher for the link.",
            code=ApiErrorCode.THROTTLED,
            status_code=429,
        )
    classroom = classroom_open_by_code(code=code or "")
    if classroom is None and not cache.add(key, 1, JOIN_MISSES_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, JOIN_MISSES_WINDOW_SECONDS)
    return classroom


@transaction.atomic
def classroom_join(*, student, code: str, now: datetime | None = None) -> tuple[Membership, bool]:
    """Joins the class whose code this is; (membership, created). Joining again is harmless, and
    a student who left comes back with a new joining date."""
    now = aware(now)
    classroom = classroom_by_code_for(user=student, code=code)
    if classroom is None:
        raise NotFound("No open classroom has this code.", code=AccountsErrorCode.INVALID_CODE)
    if classroom_is_taught_by(classroom=classroom, user=student):
        raise Conflict(
            "You teach this class: the link is for your students. Use a learner account to try "
            "it as they will.",
            code=ClassroomsErrorCode.TEACHES_CLASSROOM,
        )
    membership, created = Membership.objects.select_for_update().get_or_create(
        classroom=classroom, student=student, defaults={"joined_at": now}
    )
    if not created and membership.left_at is not None:
        membership.left_at = None
        membership.joined_at = now
        membership.save(update_fields=["left_at", "joined_at"])
        created = True
    if classroom.course.status == CourseStatus.PUBLISHED:
        # The class's lessons are on the learner's path from the moment they join.
        enrollment_create(user=student, course=classroom.course)
    return membership, created


@transaction.atomic
def classroom_leave(*, student, classroom_id: int, now: datetime | None = None) -> None:
    """The student leaves; the membership stays, marked, so the teacher sees they left."""
    updated = Membership.objects.filter(
        classroom_id=classroom_id, student=student, left_at__isnull=True
    ).update(left_at=aware(now), share_email=False)
    if not updated:
        raise NotFound(
            "You are not in this classroom.", code=ClassroomsErrorCode.CLASSROOM_NOT_FOUND
        )


@transaction.atomic
def membership_update(*, student, classroom_id: int, share_email: bool) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("classroom__course")
        .filter(classroom_id=classroom_id, student=student, left_at__isnull=True)
        .first()
    )
    if membership is None:
        raise NotFound(
            "You are not in this classroom.", code=ClassroomsErrorCode.CLASSROOM_NOT_FOUND
        )
    membership.share_email = share_email
    membership.save(update_fields=["share_email"])
    return membership


@transaction.atomic
def assignment_create(
    *,
    classroom: Classroom,
    created_by,
    title: str,
    lesson_ids: list[int],
    xp_goal: int,
    starts_at: date,
    due_at: date,
) -> Assignment:
    """An assignment for the whole class: lessons of the class's course, an XP goal, or both."""
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = ["Required."]
    elif len(title) > 200:
        errors["title"] = ["At most 200 characters."]
    lesson_ids = sorted(set(lesson_ids))
    if lesson_ids:
        found = set(classroom.course.lessons.filter(id__in=lesson_ids).values_list("id", flat=True))
        if found != set(lesson_ids):
            errors["lessons"] = ["Only lessons of the class's course."]
    if xp_goal < 0 or xp_goal > XP_GOAL_MAX:
        errors["xp_goal"] = [f"From 0 to {XP_GOAL_MAX}."]
    if not lesson_ids and not xp_goal:
        errors.setdefault("lessons", []).append("Choose lessons, an XP goal, or both.")
    for name, day in (("starts_at", starts_at), ("due_at", due_at)):
        if not ASSIGNMENT_FIRST_DAY <= day <= ASSIGNMENT_LAST_DAY:
            errors[name] = [
                f"A day from {ASSIGNMENT_FIRST_DAY.isoformat()} to "
                f"{ASSIGNMENT_LAST_DAY.isoformat()}."
            ]
    if due_at < starts_at and "due_at" not in errors:
        errors["due_at"] = ["The due date cannot be before the start."]
    if errors:
        raise ApplicationError(
            "The assignment is not valid.",
            code=ClassroomsErrorCode.ASSIGNMENT_INVALID,
            fields=errors,
        )
    assignment = Assignment.objects.create(
        classroom=classroom,
        created_by=created_by,
        title=title,
        xp_goal=xp_goal,
        starts_at=starts_at,
        due_at=due_at,
    )
    assignment.lessons.set(lesson_ids)
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: Assignment) -> None:
    assignment.delete()


@transaction.atomic
def teacher_settings_update(*, teacher, weekly_digest: bool) -> TeacherSettings:
    settings_row, _ = TeacherSettings.objects.update_or_create(
        teacher=teacher, defaults={"weekly_digest": weekly_digest}
    )
    return settings_row


# --- The weekly digest ---------------------------------------------------------------------------


def weekly_digest_send(*, at: datetime | None = None) -> dict:
    """Emails each teacher who opted in the alerts of their current classes, once per week
    (Monday 00:00 UTC weeks): a `DigestSent` row per teacher and week, written in the same
    transaction as the sending, makes a second run (or a second worker) skip them."""
    at = aware(at)
    week = week_start(at).date()
    sent = skipped = 0
    for teacher in digest_recipients():
        with transaction.atomic():
            _row, created = DigestSent.objects.get_or_create(teacher=teacher, week_start=week)
            if not created:
                skipped += 1
                continue
            digest = teacher_digest_get(teacher=teacher, now=at)
            if not digest:
                continue
            body = render_to_string(
                "classrooms/email/digest.txt", {"teacher": teacher, "classes": digest, "week": week}
            )
            send_mail(
                subject=f"Your classes this week ({week:%d %b %Y})",
                message=body,
                from_email=None,
                recipient_list=[teacher.email],
            )
            sent += 1
    return {"week_start": week.isoformat(), "sent": sent, "skipped": skipped}
