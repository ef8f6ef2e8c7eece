"""A class with a year of synthetic activity, written in bulk, for the scale tests and
`bench_classroom` (factories, or the real lesson flow, would take minutes for 200 students).

It writes other apps' rows directly (XP events and daily totals, streaks, passed lessons,
sessions with answers), as a benchmark's seed may: never call it outside tests and benchmarks."""

import random
import uuid
from datetime import UTC, datetime, timedelta

from accounts.models import User
from classrooms.models import Classroom, Membership
from gamification.models import DailyXp, Streak, XpEvent, XpSource
from progress.models import LessonProgress, LessonSession, SessionAnswer, SessionStatus

NOW = datetime(2025, 6, 30, 12, tzinfo=UTC)
BATCH_SIZE = 5000


def class_with_activity(
    classroom: Classroom, *, students: int, days: int = 365, every: int = 7, now=NOW
) -> list[User]:
    rng = random.Random(students)
    prefix = f"c{classroom.id}s{uuid.uuid4().hex[:6]}"
    users = User.objects.bulk_create(
        [
            User(email=f"{prefix}{i}@example.com", username=f"{prefix}{i}", display_name=f"S{i}")
            for i in range(students)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(classroom=classroom, student=u, joined_at=now - timedelta(days=days))
            for u in users
        ]
    )
    lessons = list(classroom.course.lessons.prefetch_related("exercises"))
    events, daily, sessions = [], [], []
    for user in users:
        for day in range(0, days, every):
            at = now - timedelta(days=day, hours=rng.randint(0, 5))
            amount = rng.randint(5, 40)
            events.append(
                XpEvent(
                    user=user,
                    amount=amount,
                    source=XpSource.LESSON,
                    source_id=f"{user.pk}-{day}",
                    created_at=at,
                    local_date=at.date(),
                )
            )
            daily.append(DailyXp(user=user, date=at.date(), xp=amount, lessons_completed=1))
            if day % (every * 4) == 0:
                lesson = lessons[len(sessions) % len(lessons)]
                sessions.append(
                    LessonSession(
                        user=user,
                        lesson=lesson,
                        status=SessionStatus.PASSED,
                        seed="x",
                        exercises=[],
                        score=80,
                        finished_at=at,
                    )
                )
    XpEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
    DailyXp.objects.bulk_create(daily, batch_size=BATCH_SIZE)
    Streak.objects.bulk_create(
        [
            Streak(user=u, current=3, longest=9, last_active_date=now.date(), last_active_at=now)
            for u in users
        ]
    )
    LessonProgress.objects.bulk_create(
        [
            LessonProgress(
                user=u,
                lesson=lesson,
                best_score=90,
                times_completed=1,
                first_completed_at=now - timedelta(days=30),
                last_completed_at=now - timedelta(days=30),
            )
            for u in users
            for lesson in lessons[: rng.randint(0, len(lessons))]
        ]
    )
    sessions = LessonSession.objects.bulk_create(sessions)
    answers = []
    for session in sessions:
        for exercise in session.lesson.exercises.all():
            right = rng.random() < 0.7
            answers.append(
                SessionAnswer(
                    session=session,
                    exercise_id=exercise.id,
                    answer={"text": "ok" if right else rng.choice(["a", "b", "c", "d"])},
                    correct=right,
                    first_try=True,
                    solution="ok",
                )
            )
    SessionAnswer.objects.bulk_create(answers, batch_size=BATCH_SIZE)
    return users
