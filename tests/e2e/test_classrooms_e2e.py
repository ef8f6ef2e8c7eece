"""A teacher runs a class in a real browser while a learner works through the API.

The teacher signs in, creates a class and reads its join code, sets an assignment; the learner
joins with the code and completes the assigned lesson through the API of the same live server;
the teacher sees it done, the charts drawn, and downloads the progress CSV."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from courses.models import Exercise
from tests.accounts.factories import UserFactory
from tests.progress.factories import build_path, right_answer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _learner_completes_lesson(
    request, base: str, learner, password: str, code: str, lesson_id: int
):
    token = request.post(
        f"{base}/api/v1/auth/token/", data={"email": learner.email, "password": password}
    )
    assert token.status == 200, token.text()
    auth = {"Authorization": f"Bearer {token.json()['access']}"}
    joined = request.post(f"{base}/api/v1/classrooms/join/", data={"code": code}, headers=auth)
    assert joined.status == 201, joined.text()
    session = request.post(f"{base}/api/v1/lessons/{lesson_id}/sessions/", headers=auth)
    assert session.status == 201, session.text()
    body = session.json()
    for item in body["exercises"]:
        answer = right_answer(Exercise.objects.get(pk=item["id"]))
        answered = request.post(
            f"{base}/api/v1/sessions/{body['id']}/answers/",
            data={"exercise": item["id"], "answer": answer},
            headers=auth,
        )
        assert answered.status == 200 and answered.json()["correct"], answered.text()
    done = request.post(f"{base}/api/v1/sessions/{body['id']}/complete/", headers=auth)
    assert done.status == 200 and done.json()["passed"], done.text()
    assignments = request.get(f"{base}/api/v1/me/assignments/", headers=auth).json()
    assert [a["status"] for a in assignments] == ["done"]


def test_a_teacher_runs_a_class_and_sees_the_learners_work(live_server, page, password):
    course, (lesson, _second) = build_path(((2,),), exercises=2, title="Spanish for schools")
    teacher = UserFactory(password=password, timezone="UTC")
    # get_or_create: an earlier transactional test may have flushed the migration-made groups.
    teacher.groups.add(Group.objects.get_or_create(name="teachers")[0])
    learner = UserFactory(password=password)
    base = live_server.url

    # The teacher signs in and creates the class.
    page.goto(f"{base}/accounts/login/?next=/teach/classrooms/new/")
    page.get_by_label("Email").fill(teacher.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Class name").fill("Year 7 Spanish")
    page.get_by_label("Course").select_option(course.slug)
    page.get_by_role("button", name="Create the class").click()
    page.wait_for_url("**/teach/classrooms/*/")
    class_url = page.url
    code = page.get_by_test_id("join-code").inner_text().strip()
    assert len(code) == 6

    # It sets the first lesson as homework due in a week.
    page.get_by_role("link", name="New assignment").click()
    today = timezone.now().date()
    page.get_by_label("Title").fill("First lesson")
    page.get_by_label(lesson.title).check()
    page.get_by_label("Starts on").fill(today.isoformat())
    page.get_by_label("Due on").fill((today + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Set the assignment").click()
    page.wait_for_url(class_url)

    _learner_completes_lesson(page.request, base, learner, password, code, lesson.id)

    # The teacher sees it done, with the charts drawn.
    page.reload()
    row = page.locator(f'tr[data-student="{learner.username}"]')
    assert row.get_by_test_id("status").inner_text() == "done"
    xp_bars = page.locator('[data-testid="xp-chart"] svg rect.bar')
    assert xp_bars.count() == 30
    assert int(xp_bars.last.get_attribute("data-value")) > 0
    assert (
        "Class XP per day"
        in page.locator('[data-testid="xp-chart"] svg title').first.text_content()
    )
    assert page.locator('[data-testid="completion-chart"] svg rect.status-done').count() == 1
    assert page.locator('[data-testid="completion-chart"] svg').bounding_box()["height"] > 0

    # And downloads the progress CSV.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Progress (CSV)").click()
    download = download_info.value
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert download.suggested_filename.endswith("-progress.csv")
    assert content.startswith("username,")
    assert learner.username in content
    assert "done" in content
