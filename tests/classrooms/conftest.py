from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from classrooms.models import ClassroomTeacher, TeacherRole
from tests.accounts.factories import UserFactory
from tests.classrooms.factories import ClassroomFactory, MembershipFactory, make_teacher
from tests.progress.factories import build_path


@dataclass
class Class:
    classroom: object
    owner: object
    co_teacher: object
    other_teacher: object
    student: object
    lessons: list


@pytest.fixture
def a_class(db) -> Class:
    course, lessons = build_path(((2,), (1,)), exercises=2)
    owner = make_teacher(display_name="Olga Owner")
    classroom = ClassroomFactory(course=course, owner=owner, timezone="Europe/Madrid")
    co_teacher = make_teacher(display_name="Cora Co")
    ClassroomTeacher.objects.create(
        classroom=classroom, teacher=co_teacher, role=TeacherRole.CO_TEACHER
    )
    # In the class since before the factories' assignment dates (March 2025).
    student = MembershipFactory(
        classroom=classroom, student=UserFactory(), joined_at=datetime(2025, 1, 1, tzinfo=UTC)
    ).student
    return Class(
        classroom=classroom,
        owner=owner,
        co_teacher=co_teacher,
        other_teacher=make_teacher(),
        student=student,
        lessons=lessons,
    )
