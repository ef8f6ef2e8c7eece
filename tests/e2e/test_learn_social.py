"""The web client's other screens in headless Chromium: a learner follows another from their
profile, joins a class with its code and sees the class's assignment, and visits the shop.
Screenshots of these screens go to docs/screenshots/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import Lesson
from tests.accounts.factories import UserFactory
from tests.classrooms.factories import AssignmentFactory, ClassroomFactory
from tests.courses.factories import build_course
from tests.e2e.test_learn_client import PHONE, shoot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, user, password: str) -> None:
    page.goto(f"{base}/learn/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your courses").wait_for()


def test_a_learner_follows_someone_joins_a_class_and_sees_its_assignment(
    asgi_live_server, page, password
):
    course = build_course(lessons=2, exercises_per_lesson=2, slug="spanish", title="Spanish")
    ana = UserFactory(password=password, display_name="Ana", username="ana")
    UserFactory(display_name="Benedita", username="benedita")
    classroom = ClassroomFactory(name="Spanish 1B", course=course, join_code="ABC234")
    today = timezone.localdate()
    AssignmentFactory(
        classroom=classroom,
        title="First words",
        lessons=list(Lesson.objects.filter(course=course)[:1]),
        starts_at=today,
        due_at=today + timedelta(days=7),
    )
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size(PHONE)
    sign_in(page, asgi_live_server.url, ana, password)

    page.get_by_role("link", name="Friends").click()
    page.get_by_label("Find learners by username").fill("bene")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Benedita").click()
    page.get_by_role("heading", name="Benedita").wait_for()
    page.get_by_role("button", name="Follow").click()
    page.get_by_role("button", name="Unfollow").wait_for()
    page.get_by_role("link", name="← Friends").click()
    page.get_by_role("heading", name="Following (1)").wait_for()
    shoot(page, "friends")

    page.get_by_role("link", name="Classes").click()
    page.get_by_label("Code from your teacher").fill("abc234")
    page.keyboard.press("Enter")
    page.locator(".rooms").get_by_text("Spanish 1B").wait_for()
    assignment = page.locator(".assignment")
    assert "First words" in assignment.inner_text()
    assert "0 of 1 lessons" in assignment.inner_text()
    shoot(page, "classes")

    # A wrong code is said plainly.
    page.get_by_label("Code from your teacher").fill("NOPE99")
    page.keyboard.press("Enter")
    page.get_by_role("alert").wait_for()

    page.get_by_role("link", name="Shop").click()
    page.get_by_test_id("balance").wait_for()
    shoot(page, "shop")

    # Blocking, after a confirmation, ends the follow.
    page.goto(f"{asgi_live_server.url}/learn/#/user/benedita")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Block").click()
    page.get_by_text("You blocked Benedita.").first.wait_for()
    page.get_by_role("heading", name="Following (0)").wait_for()
    assert errors == []
