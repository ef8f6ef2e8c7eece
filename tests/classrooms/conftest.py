from dataclasses import dataclass

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
    student = MembershipFactory(classroom=classroom, student=UserFactory()).student
    return Class(
        classroom=classroom,
        owner=owner,
        co_teacher=co_teacher,
        other_teacher=make_teacher(),
        student=student,
        lessons=lessons,
    )
