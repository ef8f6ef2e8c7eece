"""The progress section of a learner's data export."""

import json

import pytest

from accounts.registry import exporters
from progress.models import LessonSession, SessionAnswer
from progress.selectors import progress_export
from tests.progress.factories import EnrollmentFactory, LessonProgressFactory, build_path

pytestmark = pytest.mark.django_db


def test_progress_registers_its_export_section():
    assert exporters()["progress"] is progress_export


def test_a_new_learner_exports_empty_lists(user):
    assert progress_export(user=user) == {
        "enrollments": [],
        "lesson_progress": [],
        "sessions": [],
    }


def test_the_export_holds_enrolments_progress_and_sessions_with_answers(
    learner, user, enrolled, course, lessons
):
    session = learner.start(lessons[0]).json()
    learner.answer_all_right(session)
    learner.complete(session["id"])
    LessonProgressFactory(lesson=lessons[1])  # someone else's

    export = progress_export(user=user)

    assert export["enrollments"] == [
        {"course": course.slug, "created_at": enrolled.created_at.isoformat()}
    ]
    assert [
        (p["lesson"], p["best_score"], p["times_completed"]) for p in export["lesson_progress"]
    ] == [(lessons[0].slug, 100, 1)]
    (exported,) = export["sessions"]
    assert (exported["id"], exported["status"], exported["score"]) == (session["id"], "passed", 100)
    assert [a["exercise"] for a in exported["answers"]] == [e["id"] for e in session["exercises"]]
    assert all(a["correct"] for a in exported["answers"])
    json.dumps(export)  # plain JSON values only


def test_the_export_costs_a_fixed_number_of_queries(user, django_assert_num_queries):
    for _ in range(3):
        course, (lesson,) = build_path(((1,),), exercises=1)
        EnrollmentFactory(user=user, course=course)
        LessonProgressFactory(user=user, lesson=lesson)
        session = LessonSession.objects.create(user=user, lesson=lesson, seed="s", exercises=[])
        for n in range(2):
            SessionAnswer.objects.create(
                session=session, exercise_id=n, answer={}, correct=True, first_try=True, solution=""
            )

    with django_assert_num_queries(4):
        progress_export(user=user)
