from datetime import date

import pytest

from classrooms.error_codes import ClassroomsErrorCode
from classrooms.models import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    ClassroomTeacher,
    Membership,
    TeacherRole,
)
from classrooms.services import (
    assignment_create,
    classroom_archive,
    classroom_create,
    classroom_join,
    classroom_leave,
    co_teacher_add,
    join_code_regenerate,
)
from config.api.errors import ApplicationError, NotFound
from progress.selectors import is_enrolled
from tests.accounts.factories import UserFactory
from tests.classrooms.factories import ClassroomFactory, make_teacher
from tests.courses.factories import CourseFactory
from tests.progress.factories import build_path

pytestmark = pytest.mark.django_db


def test_a_new_classroom_has_an_unambiguous_code_and_its_creator_as_owner():
    teacher = make_teacher(timezone="Europe/Madrid")

    classroom = classroom_create(owner=teacher, name="  6B Spanish ", course=CourseFactory())

    assert classroom.name == "6B Spanish"
    assert classroom.timezone == "Europe/Madrid"
    assert len(classroom.join_code) == JOIN_CODE_LENGTH
    assert set(classroom.join_code) <= set(JOIN_CODE_ALPHABET)
    assert not set("01OIL") & set(JOIN_CODE_ALPHABET)
    assert ClassroomTeacher.objects.get(classroom=classroom).teacher == teacher


def test_a_learner_cannot_create_a_classroom():
    with pytest.raises(ApplicationError):
        classroom_create(owner=UserFactory(), name="x", course=CourseFactory())


def test_a_classroom_needs_a_name_and_a_known_time_zone():
    with pytest.raises(ApplicationError) as error:
        classroom_create(owner=make_teacher(), name=" ", course=CourseFactory())
    assert "name" in error.value.fields
    with pytest.raises(ApplicationError) as error:
        classroom_create(
            owner=make_teacher(), name="a", course=CourseFactory(), timezone_name="Mars/Base"
        )
    assert "timezone" in error.value.fields


def test_regenerating_the_code_retires_the_old_one():
    classroom = ClassroomFactory()
    old = classroom.join_code

    new = join_code_regenerate(classroom=classroom)

    assert new != old
    with pytest.raises(NotFound):
        classroom_join(student=UserFactory(), code=old)
    membership, created = classroom_join(student=UserFactory(), code=new.lower())
    assert created and membership.classroom == classroom


def test_joining_enrols_once_and_joining_again_changes_nothing():
    classroom = ClassroomFactory()
    student = UserFactory()

    first, created = classroom_join(student=student, code=f" {classroom.join_code} ")
    again, created_again = classroom_join(student=student, code=classroom.join_code)

    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert is_enrolled(user=student, course_id=classroom.course_id)


def test_an_archived_classroom_cannot_be_joined():
    classroom = classroom_archive(classroom=ClassroomFactory())

    with pytest.raises(NotFound) as error:
        classroom_join(student=UserFactory(), code=classroom.join_code)

    assert error.value.code == "invalid_code"


def test_leaving_keeps_the_membership_marked_and_rejoining_reopens_it():
    classroom = ClassroomFactory()
    student = UserFactory()
    membership, _ = classroom_join(student=student, code=classroom.join_code)
    membership.share_email = True
    membership.save()

    classroom_leave(student=student, classroom_id=classroom.id)

    membership.refresh_from_db()
    assert membership.left_at is not None
    assert membership.share_email is False
    with pytest.raises(NotFound):
        classroom_leave(student=student, classroom_id=classroom.id)
    _, created = classroom_join(student=student, code=classroom.join_code)
    assert created
    assert Membership.objects.get(pk=membership.pk).left_at is None


def test_a_co_teacher_is_added_by_email_and_must_be_a_teacher():
    classroom = ClassroomFactory()
    colleague = make_teacher(email="Colleague@School.example")

    _link, created = co_teacher_add(classroom=classroom, email="colleague@school.example")
    link, created_again = co_teacher_add(classroom=classroom, email="colleague@school.example")

    assert (created, created_again) == (True, False)
    assert (link.teacher, link.role) == (colleague, TeacherRole.CO_TEACHER)
    assert classroom.teachers.filter(pk=colleague.pk).count() == 1
    with pytest.raises(NotFound) as error:
        co_teacher_add(classroom=classroom, email=UserFactory().email)
    assert error.value.code == ClassroomsErrorCode.TEACHER_NOT_FOUND


def test_an_assignment_takes_lessons_of_the_class_course_only():
    course, lessons = build_path(((2,),), exercises=1)
    _, (foreign,) = build_path(((1,),), exercises=1)
    classroom = ClassroomFactory(course=course)
    fields = {
        "classroom": classroom,
        "created_by": None,
        "title": "Week 1",
        "xp_goal": 0,
        "starts_at": date(2025, 3, 3),
        "due_at": date(2025, 3, 9),
    }

    assignment = assignment_create(**fields, lesson_ids=[lessons[0].id, lessons[1].id])
    with pytest.raises(ApplicationError) as error:
        assignment_create(**fields, lesson_ids=[foreign.id])

    assert set(assignment.lessons.all()) == set(lessons)
    assert error.value.code == ClassroomsErrorCode.ASSIGNMENT_INVALID
    assert "lessons" in error.value.fields


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"lesson_ids": [], "xp_goal": 0}, "lessons"),
        ({"xp_goal": -1}, "xp_goal"),
        ({"due_at": date(2025, 3, 2)}, "due_at"),
    ],
)
def test_an_invalid_assignment_writes_nothing(changes, field):
    classroom = ClassroomFactory()
    fields = {
        "classroom": classroom,
        "created_by": None,
        "title": "Week 1",
        "lesson_ids": [],
        "xp_goal": 50,
        "starts_at": date(2025, 3, 3),
        "due_at": date(2025, 3, 9),
    }

    with pytest.raises(ApplicationError) as error:
        assignment_create(**(fields | changes))

    assert field in error.value.fields
    assert not classroom.assignments.exists()


def test_the_export_lists_memberships_and_classes_taught():
    from classrooms.selectors import classrooms_export

    classroom = ClassroomFactory(name="7A")
    student = UserFactory()
    classroom_join(student=student, code=classroom.join_code)
    classroom_leave(student=student, classroom_id=classroom.id)

    export = classrooms_export(user=student)

    assert [m["classroom"] for m in export["memberships"]] == ["7A"]
    assert export["memberships"][0]["left_at"] is not None
    assert export["teaching"] == []
