"""Classroom factories: a class on a published course, teachers, students, assignments."""

from datetime import UTC, date, datetime

import factory
from django.contrib.auth.models import Group

from classrooms.models import Assignment, Classroom, ClassroomTeacher, Membership, TeacherRole
from tests.accounts.factories import UserFactory
from tests.courses.factories import CourseFactory


def make_teacher(**fields):
    teacher = UserFactory(**fields)
    teacher.groups.add(Group.objects.get_or_create(name="teachers")[0])
    return teacher


class ClassroomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classroom
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Class {n}")
    course = factory.SubFactory(CourseFactory, published=True)
    timezone = "UTC"
    join_code = factory.Sequence(lambda n: f"T{n:05d}")

    @factory.post_generation
    def owner(self, create, extracted, **kwargs):
        if create:
            teacher = extracted or make_teacher()
            ClassroomTeacher.objects.create(classroom=self, teacher=teacher, role=TeacherRole.OWNER)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    classroom = factory.SubFactory(ClassroomFactory)
    student = factory.SubFactory(UserFactory)
    # Before any assignment date the tests use: every assignment is the student's.
    joined_at = datetime(2024, 1, 1, tzinfo=UTC)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment
        skip_postgeneration_save = True

    classroom = factory.SubFactory(ClassroomFactory)
    title = factory.Sequence(lambda n: f"Homework {n}")
    xp_goal = 0
    starts_at = date(2025, 3, 3)
    due_at = date(2025, 3, 9)

    @factory.post_generation
    def lessons(self, create, extracted, **kwargs):
        if create and extracted:
            self.lessons.set(extracted)


def owner_of(classroom: Classroom):
    return ClassroomTeacher.objects.get(classroom=classroom, role=TeacherRole.OWNER).teacher
