"""Reads of classrooms: a teacher's classes, a class's roster, statuses, charts and item analytics.

Every read of a class costs a fixed number of queries whatever its size: each figure is one
aggregate over the whole class (grouped by learner, or by exercise), joined in Python. Other apps
are read through their selectors only.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, When

from accounts.models import User
from accounts.selectors import TEACHERS_GROUP
from classrooms.models import (
    Assignment,
    Classroom,
    ClassroomTeacher,
    Membership,
    TeacherRole,
    TeacherSettings,
)
from config.timeutils import aware, iso
from courses.selectors import exercises_describe
from gamification.selectors import (
    daily_xp_totals,
    profile_stats,
    xp_by_user,
    xp_last_earned_at,
    xp_windows_by_user,
)
from progress.selectors import (
    exercise_common_wrong_answers,
    exercise_stats,
    first_try_accuracy,
    lesson_progress_in_course,
    lessons_completed_counts,
    lessons_first_completed,
    sessions_last_started,
    unit_accuracy,
)

# Alerts: a student's accuracy is judged on the last ACCURACY_DAYS days, and only once they have
# answered MIN_ANSWERS_FOR_ACCURACY exercises (three answers say nothing about anyone).
ACCURACY_DAYS = 30
MIN_ANSWERS_FOR_ACCURACY = 10
DEFAULT_INACTIVE_DAYS = 7
DEFAULT_ACCURACY_BELOW = 60
CHART_DAYS = 30


class AssignmentStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    LATE = "late"
    MISSED = "missed"


def week_start(at: datetime) -> datetime:
    """Monday 00:00 UTC of the week of `at`: the leagues' week (API.md)."""
    day = aware(at).astimezone(UTC).date()
    return datetime.combine(day - timedelta(days=day.weekday()), time.min, tzinfo=UTC)


def student_name(student: User) -> str:
    """How teachers see a student: their display name, else their username. Never the user's
    `get_short_name()`, which falls back to the part of the email before the @: a teacher sees a
    student's email only when the student shares it."""
    return student.display_name or student.username or f"Student #{student.pk}"


# --- Teachers and their classes -----------------------------------------------------------------


def classrooms_for_teacher(*, teacher, archived: bool = False) -> QuerySet[Classroom]:
    """The classes `teacher` teaches (owner or co-teacher), with their number of students."""
    return (
        Classroom.objects.filter(teachers=teacher, archived_at__isnull=not archived)
        .select_related("course")
        .annotate(
            students=Count(
                "memberships", filter=Q(memberships__left_at__isnull=True), distinct=True
            )
        )
        .order_by("name", "id")
    )


def classroom_for_teacher_get(*, teacher, classroom_id: int) -> Classroom | None:
    """The class if `teacher` teaches it, else None: to anyone else it does not exist."""
    return (
        Classroom.objects.filter(pk=classroom_id, teachers=teacher).select_related("course").first()
    )


def classroom_is_taught_by(*, classroom: Classroom, user) -> bool:
    return ClassroomTeacher.objects.filter(classroom=classroom, teacher_id=user.pk).exists()


def classroom_teachers(*, classroom: Classroom) -> list[ClassroomTeacher]:
    return list(
        ClassroomTeacher.objects.filter(classroom=classroom)
        .select_related("teacher")
        # The owner first ("co_teacher" sorts before "owner" as text).
        .order_by(Case(When(role=TeacherRole.OWNER, then=0), default=1), "added_at", "id")
    )


def members_active(*, classroom: Classroom) -> list[Membership]:
    return list(
        Membership.objects.filter(classroom=classroom, left_at__isnull=True)
        .select_related("student")
        .order_by("joined_at", "id")
    )


def member_ids_active(*, classroom: Classroom) -> list[int]:
    return list(
        Membership.objects.filter(classroom=classroom, left_at__isnull=True).values_list(
            "student_id", flat=True
        )
    )


def members_left(*, classroom: Classroom) -> list[Membership]:
    return list(
        Membership.objects.filter(classroom=classroom, left_at__isnull=False)
        .select_related("student")
        .order_by("-left_at", "id")
    )


def assignments_of(*, classroom: Classroom) -> list[Assignment]:
    return list(
        Assignment.objects.filter(classroom=classroom)
        .select_related("classroom")
        .prefetch_related("lessons")
        .order_by("due_at", "id")
    )


def assignment_of_classroom_get(*, classroom: Classroom, assignment_id: int) -> Assignment | None:
    """The assignment if it belongs to this class: another class's id finds nothing."""
    return Assignment.objects.filter(classroom=classroom, pk=assignment_id).first()


# --- Assignment status ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentProgress:
    status: AssignmentStatus
    percent: int
    lessons_done: int
    lessons_total: int
    xp: int
    xp_goal: int


def assignment_progress(
    *,
    lesson_ids: list[int],
    xp_goal: int,
    deadline: datetime,
    completed_at: dict[int, datetime],
    xp_in_window: int,
    xp_since_start: int,
    now: datetime,
) -> AssignmentProgress:
    """One student's progress on one assignment.

    Done: every lesson passed (whenever: a lesson passed before the assignment counts) and the XP
    goal earned between the start and the deadline, all before the deadline. Late: the same, but
    finished after the deadline. Missed: the deadline passed and it is not finished. Open: not
    finished, deadline still ahead.
    """
    done_times = [completed_at[lesson] for lesson in lesson_ids if lesson in completed_at]
    lessons_finished = len(done_times) == len(lesson_ids)
    lessons_in_time = lessons_finished and all(at < deadline for at in done_times)
    xp_in_time = xp_in_window >= xp_goal
    xp_finished = xp_since_start >= xp_goal
    if lessons_in_time and xp_in_time:
        status = AssignmentStatus.DONE
    elif lessons_finished and xp_finished:
        status = AssignmentStatus.LATE
    elif now >= deadline:
        status = AssignmentStatus.MISSED
    else:
        status = AssignmentStatus.OPEN
    parts = []
    if lesson_ids:
        parts.append(len(done_times) / len(lesson_ids))
    if xp_goal:
        parts.append(min(xp_since_start / xp_goal, 1.0))
    percent = int(100 * sum(parts) / len(parts)) if parts else 100
    return AssignmentProgress(
        status=status,
        percent=percent,
        lessons_done=len(done_times),
        lessons_total=len(lesson_ids),
        xp=xp_since_start,
        xp_goal=xp_goal,
    )


def assignment_progress_for(
    *,
    assignments: list[Assignment],
    student_ids: list[int],
    now: datetime | None = None,
    joined_at: dict[int, datetime] | None = None,
) -> dict[tuple[int, int], AssignmentProgress]:
    """(assignment, student) → progress, in two queries whatever the number of students.

    An assignment whose due day ended before the student joined the class is not theirs: the
    pair is left out (given `joined_at`, student → when they joined). `assignments` need their
    classroom and lessons loaded (prefetched)."""
    now = aware(now)
    if not assignments or not student_ids:
        return {}
    lesson_ids = {lesson.id for a in assignments for lesson in a.lessons.all()}
    completions = lessons_first_completed(user_ids=student_ids, lesson_ids=lesson_ids)
    windows = {a.id: a.window(a.classroom.zone) for a in assignments}
    with_goal = {a.id: windows[a.id] for a in assignments if a.xp_goal}
    xp = xp_windows_by_user(user_ids=student_ids, windows=with_goal)
    result = {}
    for assignment in assignments:
        ids = sorted(lesson.id for lesson in assignment.lessons.all())
        _start, deadline = windows[assignment.id]
        for student_id in student_ids:
            if joined_at and joined_at.get(student_id, deadline) >= deadline:
                continue
            completed = {
                lesson: completions[(student_id, lesson)]
                for lesson in ids
                if (student_id, lesson) in completions
            }
            in_window, since_start = xp.get(student_id, {}).get(assignment.id, (0, 0))
            result[(assignment.id, student_id)] = assignment_progress(
                lesson_ids=ids,
                xp_goal=assignment.xp_goal,
                deadline=deadline,
                completed_at=completed,
                xp_in_window=in_window,
                xp_since_start=since_start,
                now=now,
            )
    return result


# --- The class page -----------------------------------------------------------------------------


@dataclass
class RosterRow:
    membership: Membership
    week_xp: int = 0
    streak: int = 0
    total_xp: int = 0
    last_active: datetime | None = None
    lessons_completed: int = 0
    first_right: int = 0
    first_tries: int = 0
    statuses: dict[int, AssignmentProgress] = field(default_factory=dict)

    @property
    def student(self) -> User:
        return self.membership.student

    @property
    def email(self) -> str | None:
        """Only when the student chose to share it with the class."""
        return self.student.email if self.membership.share_email else None

    @property
    def accuracy(self) -> int | None:
        if not self.first_tries:
            return None
        return round(100 * self.first_right / self.first_tries)

    @property
    def missed(self) -> int:
        return sum(1 for p in self.statuses.values() if p.status == AssignmentStatus.MISSED)

    @property
    def done(self) -> int:
        return sum(
            1
            for p in self.statuses.values()
            if p.status in (AssignmentStatus.DONE, AssignmentStatus.LATE)
        )


SORTS = {
    "name": lambda row: (student_name(row.student).lower(), row.student.pk),
    "week_xp": lambda row: (row.week_xp, row.student.pk),
    "streak": lambda row: (row.streak, row.student.pk),
    "last_active": lambda row: (
        row.last_active or datetime.min.replace(tzinfo=UTC),
        row.student.pk,
    ),
    "lessons": lambda row: (row.lessons_completed, row.student.pk),
    "accuracy": lambda row: (row.accuracy if row.accuracy is not None else -1, row.student.pk),
    "done": lambda row: (row.done, row.student.pk),
}
DEFAULT_SORT = "name"


def sort_parse(value: str | None) -> tuple[str, bool]:
    """`?sort=week_xp` or `?sort=-week_xp` → (key, descending); anything else: by name."""
    value = value or DEFAULT_SORT
    descending = value.startswith("-")
    key = value.lstrip("-")
    if key not in SORTS:
        return DEFAULT_SORT, False
    return key, descending


def roster_get(
    *,
    classroom: Classroom,
    assignments: list[Assignment],
    now: datetime | None = None,
    sort: str | None = None,
) -> list[RosterRow]:
    """Every current student with this week's XP, streak, last activity, lessons completed in the
    class's course, recent first-try accuracy and each assignment's progress.

    A fixed number of queries whatever the class's size or history (eleven with assignments)."""
    now = aware(now)
    members = members_active(classroom=classroom)
    ids = [m.student_id for m in members]
    if not ids:
        return []
    week = xp_by_user(user_ids=ids, start=week_start(now))
    stats = profile_stats(users=[m.student for m in members])
    lessons = lessons_completed_counts(user_ids=ids, course_id=classroom.course_id)
    last_session = sessions_last_started(user_ids=ids)
    last_xp = xp_last_earned_at(user_ids=ids)
    accuracy = first_try_accuracy(
        user_ids=ids, course_id=classroom.course_id, since=now - timedelta(days=ACCURACY_DAYS)
    )
    progress = assignment_progress_for(
        assignments=assignments,
        student_ids=ids,
        now=now,
        joined_at={m.student_id: m.joined_at for m in members},
    )
    rows = []
    for member in members:
        uid = member.student_id
        seen = [at for at in (last_session.get(uid), last_xp.get(uid)) if at is not None]
        right, tries = accuracy.get(uid, (0, 0))
        rows.append(
            RosterRow(
                membership=member,
                week_xp=week.get(uid, 0),
                streak=stats[uid]["streak"],
                total_xp=stats[uid]["total_xp"],
                last_active=max(seen) if seen else None,
                lessons_completed=lessons.get(uid, 0),
                first_right=right,
                first_tries=tries,
                statuses={
                    a.id: progress[(a.id, uid)] for a in assignments if (a.id, uid) in progress
                },
            )
        )
    key, descending = sort_parse(sort)
    rows.sort(key=SORTS[key], reverse=descending)
    return rows


@dataclass(frozen=True)
class Alert:
    kind: str  # inactive, low_accuracy, overdue
    row: RosterRow
    message: str


def alerts_get(
    *,
    rows: list[RosterRow],
    assignments: list[Assignment],
    now: datetime | None = None,
    inactive_days: int = DEFAULT_INACTIVE_DAYS,
    accuracy_below: int = DEFAULT_ACCURACY_BELOW,
) -> list[Alert]:
    """Who needs the teacher: inactive for `inactive_days` (counted from joining when they never
    did anything), first-try accuracy under `accuracy_below` percent over the last 30 days, or
    with assignments missed. Computed from the roster: no query of its own."""
    now = aware(now)
    titles = {a.id: a.title for a in assignments}
    alerts = []
    for row in rows:
        since = row.last_active or row.membership.joined_at
        if now - since >= timedelta(days=inactive_days):
            what = (
                f"last active {row.last_active:%Y-%m-%d}"
                if row.last_active
                else "no activity since joining"
            )
            alerts.append(
                Alert("inactive", row, f"Inactive for {(now - since).days} days ({what}).")
            )
        if (
            row.first_tries >= MIN_ANSWERS_FOR_ACCURACY
            and row.accuracy is not None
            and row.accuracy < accuracy_below
        ):
            alerts.append(
                Alert(
                    "low_accuracy",
                    row,
                    f"First-try accuracy {row.accuracy}% over {row.first_tries} answers "
                    f"in the last {ACCURACY_DAYS} days.",
                )
            )
        missed = [titles[a] for a, p in row.statuses.items() if p.status == AssignmentStatus.MISSED]
        if missed:
            alerts.append(Alert("overdue", row, "Overdue: " + ", ".join(sorted(missed)) + "."))
    return alerts


def class_xp_per_day(
    *, student_ids: list[int], classroom: Classroom, now: datetime | None = None
) -> list[tuple[date, int]]:
    """The class's XP on each of the last CHART_DAYS days (of the class's calendar; each student's
    XP counts on their own local day), oldest first, zero-filled. One query."""
    today = aware(now).astimezone(classroom.zone).date()
    first = today - timedelta(days=CHART_DAYS - 1)
    totals = daily_xp_totals(user_ids=student_ids, first=first, last=today) if student_ids else {}
    return [
        (first + timedelta(days=i), totals.get(first + timedelta(days=i), 0))
        for i in range(CHART_DAYS)
    ]


def assignment_completion(
    *, assignments: list[Assignment], rows: list[RosterRow]
) -> list[tuple[Assignment, Counter]]:
    """Each assignment with how many students are in each status."""
    return [
        (a, Counter(row.statuses[a.id].status.value for row in rows if a.id in row.statuses))
        for a in assignments
    ]


# --- Item analytics -----------------------------------------------------------------------------


@dataclass
class ItemRow:
    exercise_id: int
    attempts: int
    first_tries: int
    first_right: int
    learners: int
    type: str = ""
    prompt: str = ""
    lesson: str = ""
    unit: str = ""
    wrong_answers: list[tuple[str, int]] = field(default_factory=list)

    @property
    def first_try_accuracy(self) -> int | None:
        if not self.first_tries:
            return None
        return round(100 * self.first_right / self.first_tries)


def answer_text(answer, options: dict[int, str]) -> str:
    """A stored answer as a person reads it: the text, the option chosen, the pairs matched."""
    if isinstance(answer, dict):
        if "text" in answer:
            return str(answer["text"])
        if "option" in answer:
            return options.get(answer["option"], f"option #{answer['option']}")
        if "pairs" in answer and isinstance(answer["pairs"], list):
            return ", ".join(
                " = ".join(str(part) for part in pair) if isinstance(pair, list) else str(pair)
                for pair in answer["pairs"]
            )
    return str(answer)


def item_analytics(*, classroom: Classroom, student_ids: list[int]) -> list[ItemRow]:
    """Each exercise of the class's course the current students answered: attempts, first-try
    accuracy and the three most common wrong answers, worst first (lowest first-try accuracy,
    then most attempts). Four queries whatever the class's size or history."""
    if not student_ids:
        return []
    stats = exercise_stats(user_ids=student_ids, course_id=classroom.course_id)
    wrong = exercise_common_wrong_answers(user_ids=student_ids, course_id=classroom.course_id)
    described = exercises_describe(exercise_ids=[row["exercise_id"] for row in stats])
    items = []
    for row in stats:
        info = described.get(row["exercise_id"], {})
        options = info.get("options", {})
        items.append(
            ItemRow(
                exercise_id=row["exercise_id"],
                attempts=row["attempts"],
                first_tries=row["first_tries"],
                first_right=row["first_right"],
                learners=row["learners"],
                type=info.get("type", ""),
                prompt=info.get("prompt", "") if info else "(deleted exercise)",
                lesson=info.get("lesson", ""),
                unit=info.get("unit", ""),
                wrong_answers=[
                    (answer_text(answer, options), n)
                    for answer, n in wrong.get(row["exercise_id"], [])
                ],
            )
        )
    items.sort(
        key=lambda item: (
            item.first_try_accuracy if item.first_try_accuracy is not None else 101,
            -item.attempts,
            item.exercise_id,
        )
    )
    return items


# --- One student, as their teacher sees them ----------------------------------------------------


@dataclass
class StudentDetail:
    membership: Membership
    lessons: list
    units: list[dict]
    most_missed: list[ItemRow]


def member_get(*, classroom: Classroom, student_id: int) -> Membership | None:
    """A current student of the class (one who left is no longer the teacher's to look at)."""
    return (
        Membership.objects.filter(classroom=classroom, student_id=student_id, left_at__isnull=True)
        .select_related("student")
        .first()
    )


MOST_MISSED = 10


def student_detail_get(*, classroom: Classroom, membership: Membership) -> StudentDetail:
    uid = membership.student_id
    course_id = classroom.course_id
    lessons = list(lesson_progress_in_course(user_id=uid, course_id=course_id))
    units = unit_accuracy(user_id=uid, course_id=course_id)
    for unit in units:
        unit["accuracy"] = round(100 * unit["right"] / unit["total"]) if unit["total"] else None
    items = item_analytics(classroom=classroom, student_ids=[uid])
    missed = sorted(
        (item for item in items if item.first_tries and item.first_right < item.first_tries),
        key=lambda item: (item.first_try_accuracy, -item.attempts),
    )[:MOST_MISSED]
    return StudentDetail(membership=membership, lessons=lessons, units=units, most_missed=missed)


# --- The learner's side -------------------------------------------------------------------------


def learner_memberships(*, student) -> QuerySet[Membership]:
    """The learner's current classes (not left, not archived), newest first."""
    return (
        Membership.objects.filter(
            student=student, left_at__isnull=True, classroom__archived_at__isnull=True
        )
        .select_related("classroom__course")
        .prefetch_related(
            Prefetch(
                "classroom__teaching",
                ClassroomTeacher.objects.filter(role=TeacherRole.OWNER).select_related("teacher"),
                to_attr="owners",
            )
        )
        .order_by("-joined_at", "-id")
    )


def learner_membership_get(*, student, classroom_id: int) -> Membership | None:
    return learner_memberships(student=student).filter(classroom_id=classroom_id).first()


def learner_assignments(*, student) -> list[Assignment]:
    """Assignments of the learner's current classes, soonest due first, without those whose due
    day ended before the learner joined. Filtered in Python (the deadline depends on each
    class's time zone): a learner's classes hold tens of assignments, not thousands."""
    assignments = (
        Assignment.objects.filter(
            classroom__memberships__student=student,
            classroom__memberships__left_at__isnull=True,
            classroom__archived_at__isnull=True,
        )
        .annotate(member_joined_at=F("classroom__memberships__joined_at"))
        .select_related("classroom")
        .prefetch_related("lessons")
        .order_by("due_at", "id")
    )
    return [a for a in assignments if a.member_joined_at < a.window()[1]]


@dataclass(frozen=True)
class Standing:
    user_id: int
    username: str
    display_name: str
    xp: int
    rank: int


def class_leaderboard(
    *, membership: Membership, now: datetime | None = None
) -> tuple[datetime, list[Standing]]:
    """This week's XP among the class's current students (those hidden from leaderboards are
    left out, except the caller), ranked: equal XP, equal rank. Three queries."""
    now = aware(now)
    start = week_start(now)
    members = (
        Membership.objects.filter(classroom_id=membership.classroom_id, left_at__isnull=True)
        .filter(Q(student__leaderboard_opt_out=False) | Q(student_id=membership.student_id))
        .select_related("student")
    )
    students = [m.student for m in members]
    xp = xp_by_user(user_ids=[s.pk for s in students], start=start)
    ordered = sorted(students, key=lambda s: (-xp.get(s.pk, 0), (s.username or "").lower(), s.pk))
    standings = []
    rank = 0
    previous = None
    for position, student in enumerate(ordered, start=1):
        earned = xp.get(student.pk, 0)
        if earned != previous:
            rank, previous = position, earned
        standings.append(
            Standing(
                user_id=student.pk,
                username=student.username or "",
                display_name=student.display_name,
                xp=earned,
                rank=rank,
            )
        )
    return start, standings


def join_code_normalize(code: str) -> str:
    """What a person typed, as stored: upper case, without the spaces and dashes people add."""
    return "".join(ch for ch in code.upper() if ch not in " -_\t")


def classroom_open_by_code(*, code: str) -> Classroom | None:
    """The class this code opens, unless it is archived. A code is a few ASCII letters and digits:
    anything else (a NUL byte from an invite link, which PostgreSQL refuses) opens nothing."""
    code = join_code_normalize(code)
    max_length = Classroom._meta.get_field("join_code").max_length
    if not code or len(code) > max_length or not (code.isascii() and code.isalnum()):
        return None
    return (
        Classroom.objects.select_related("course")
        .filter(join_code=code, archived_at__isnull=True)
        .first()
    )


# --- The weekly digest ---------------------------------------------------------------------------


def teacher_wants_digest(*, teacher) -> bool:
    return TeacherSettings.objects.filter(teacher=teacher, weekly_digest=True).exists()


def digest_recipients() -> list[User]:
    """Teachers who opted in and still are teachers: one taken out of the `teachers` group (they
    left the school) no longer sees the class pages, and must not get their students by mail."""
    return [
        row.teacher
        for row in TeacherSettings.objects.filter(weekly_digest=True, teacher__is_active=True)
        .filter(Q(teacher__is_superuser=True) | Q(teacher__groups__name=TEACHERS_GROUP))
        .select_related("teacher")
        .distinct()
    ]


@dataclass(frozen=True)
class ClassDigest:
    classroom: Classroom
    students: int
    week_xp: int
    alerts: list[Alert]


def teacher_digest_get(*, teacher, now: datetime | None = None) -> list[ClassDigest]:
    """Each current class of the teacher with its alerts at `now` (default thresholds); a fixed
    number of queries per class."""
    now = aware(now)
    digest = []
    for classroom in classrooms_for_teacher(teacher=teacher):
        assignments = assignments_of(classroom=classroom)
        rows = roster_get(classroom=classroom, assignments=assignments, now=now)
        digest.append(
            ClassDigest(
                classroom=classroom,
                students=len(rows),
                week_xp=sum(row.week_xp for row in rows),
                alerts=alerts_get(rows=rows, assignments=assignments, now=now),
            )
        )
    return digest


# --- Export --------------------------------------------------------------------------------------


def classrooms_export(*, user) -> dict:
    """What classrooms holds about the person (for `me/export/`): the classes they are or were
    in, and those they teach."""
    memberships = Membership.objects.filter(student=user).select_related("classroom__course")
    teaching = ClassroomTeacher.objects.filter(teacher=user).select_related("classroom")
    return {
        "memberships": [
            {
                "classroom": m.classroom.name,
                "course": m.classroom.course.slug,
                "joined_at": iso(m.joined_at),
                "left_at": iso(m.left_at),
                "share_email": m.share_email,
            }
            for m in memberships.order_by("joined_at", "id")
        ],
        "teaching": [
            {"classroom": t.classroom.name, "role": t.role, "added_at": iso(t.added_at)}
            for t in teaching.order_by("added_at", "id")
        ],
    }
