import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django_celery_beat.models import PeriodicTask

from classrooms.models import DigestSent
from classrooms.services import teacher_settings_update, weekly_digest_send
from config.jobs import job_get, job_run
from tests.classrooms.factories import (
    AssignmentFactory,
    ClassroomFactory,
    MembershipFactory,
    make_teacher,
)
from tests.gamification.racing import race

MONDAY = datetime(2025, 3, 17, 7, tzinfo=UTC)


def _opted_in_class():
    teacher = make_teacher(email="t@example.com")
    teacher_settings_update(teacher=teacher, weekly_digest=True)
    classroom = ClassroomFactory(owner=teacher, name="7B")
    student = MembershipFactory(classroom=classroom, joined_at=MONDAY - timedelta(days=20)).student
    AssignmentFactory(classroom=classroom, title="Week 10", xp_goal=20)
    return teacher, student


@pytest.mark.django_db
def test_the_digest_lists_each_class_alerts_once_a_week():
    _teacher, student = _opted_in_class()
    make_teacher()  # not opted in: nothing

    first = job_run("classrooms_weekly_digest", at=MONDAY)
    again = job_run("classrooms_weekly_digest", at=MONDAY + timedelta(days=2))
    next_week = weekly_digest_send(at=MONDAY + timedelta(days=7))

    assert (first["sent"], again["sent"], again["skipped"], next_week["sent"]) == (1, 0, 1, 1)
    assert len(mail.outbox) == 2
    body = mail.outbox[0].body
    assert mail.outbox[0].to == ["t@example.com"]
    assert "7B" in body
    assert f"@{student.username}" in body
    assert "Overdue: Week 10." in body
    assert "Inactive for 20 days" in body
    assert student.email not in body


@pytest.mark.django_db
def test_the_job_and_its_beat_row_are_registered():
    row = PeriodicTask.objects.get(name="classrooms: weekly digest")

    assert job_get("classrooms_weekly_digest").name == "classrooms_weekly_digest"
    assert row.task == "config.tasks.job_run_task"
    assert json.loads(row.args) == ["classrooms_weekly_digest"]
    assert (row.crontab.day_of_week, row.crontab.hour) == ("1", "7")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_digest():
    _opted_in_class()

    results = race([lambda: weekly_digest_send(at=MONDAY)] * 2, hold_seconds=0.3)

    assert sorted(r["sent"] for r in results) == [0, 1]
    assert len(mail.outbox) == 1
    assert DigestSent.objects.count() == 1


@pytest.mark.django_db
def test_a_teacher_taken_out_of_the_teachers_group_gets_no_digest():
    teacher, _student = _opted_in_class()
    teacher.groups.clear()

    result = weekly_digest_send(at=MONDAY)

    assert result["sent"] == 0
    assert mail.outbox == []
