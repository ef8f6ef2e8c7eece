"""The demo class that `setup_demo` adds (registered in apps.py through courses.demo_registry)."""

from datetime import timedelta

from classrooms.models import Classroom
from classrooms.services import assignment_create, classroom_create, classroom_join
from config.timeutils import aware
from courses.selectors import course_lessons_in_order, course_published_by_slug

DEMO_CLASS_NAME = "Demo class: Spanish 7A"
DEMO_COURSE_SLUG = "es-from-en"


def demo_classroom_ensure(*, accounts: dict) -> str:
    """The demo teacher's class on the demo course, with the demo learner in it and a first
    assignment; left as it is when it exists (a teacher may have changed it)."""
    teacher, learner = accounts.get("teacher"), accounts.get("learner")
    course = course_published_by_slug(slug=DEMO_COURSE_SLUG)
    if teacher is None or course is None:
        return f"skipped: no demo teacher or no published course {DEMO_COURSE_SLUG}"
    classroom = Classroom.objects.filter(name=DEMO_CLASS_NAME, teachers=teacher).first()
    created = classroom is None
    if created:
        classroom = classroom_create(owner=teacher, name=DEMO_CLASS_NAME, course=course)
        lessons = list(course_lessons_in_order(course_id=course.id)[:2])
        today = aware().astimezone(classroom.zone).date()
        assignment_create(
            classroom=classroom,
            created_by=teacher,
            title="First greetings",
            lesson_ids=[lesson.id for lesson in lessons],
            xp_goal=0,
            starts_at=today,
            due_at=today + timedelta(days=7),
        )
        if learner is not None:
            classroom_join(student=learner, code=classroom.join_code)
    state = "created" if created else "already there"
    return f"{classroom.name} ({state}), join code {classroom.join_code}, at /teach/"
