"""`manage.py setup_demo`: the README's demo accounts, and the demo course when there is one."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from courses.management.commands import setup_demo
from courses.models import Course, CourseStatus, Lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


@pytest.fixture
def run(capsys):
    def run(*args: str) -> str:
        call_command("setup_demo", *args)
        return capsys.readouterr().out

    return run


def test_creates_the_four_demo_accounts_with_their_roles(debug_on, run):
    run("--no-content")

    users = {u.email: u for u in get_user_model().objects.prefetch_related("groups")}
    assert set(users) == {a.email for a in setup_demo.DEMO_ACCOUNTS}
    admin, editor, teacher, learner = (
        users[f"{r}@example.com"] for r in ("admin", "editor", "teacher", "learner")
    )
    assert admin.is_superuser and admin.is_staff
    assert editor.is_staff and not editor.is_superuser
    assert [g.name for g in editor.groups.all()] == ["editors"]
    assert [g.name for g in teacher.groups.all()] == ["teachers"]
    assert not teacher.is_staff
    assert not (learner.is_staff or learner.is_superuser or learner.groups.exists())


def test_printed_passwords_log_in(debug_on, run):
    out = run("--no-content")

    for account in setup_demo.DEMO_ACCOUNTS:
        assert f"{account.email}" in out and account.password in out
        user = get_user_model().objects.get(email=account.email)
        assert user.check_password(account.password)


def test_running_twice_changes_nothing_and_restores_a_changed_password(debug_on, run):
    run("--no-content")
    learner = get_user_model().objects.get(email="learner@example.com")
    learner.set_password("something-else")
    learner.save()

    run("--no-content")

    assert get_user_model().objects.count() == len(setup_demo.DEMO_ACCOUNTS)
    learner.refresh_from_db()
    assert learner.check_password("demo-learner-pass")
    assert learner.groups.count() == 0


def test_refuses_with_debug_off_unless_forced(settings, run):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="public passwords"):
        run("--no-content")
    assert not get_user_model().objects.exists()

    run("--no-content", "--force")
    assert get_user_model().objects.count() == len(setup_demo.DEMO_ACCOUNTS)


def test_skips_content_when_the_pack_does_not_exist(debug_on, run, monkeypatch, tmp_path):
    monkeypatch.setattr(setup_demo, "DEMO_PACK", tmp_path / "missing.json")

    assert "Demo content: skipped:" in run()
    assert not Course.objects.exists()


def test_the_demo_course_is_imported_published_and_seen_by_the_demo_learner(debug_on, run):
    out = run()

    assert "Demo content: imported and published" in out
    course = Course.objects.get()
    assert (course.status, course.version) == (CourseStatus.PUBLISHED, 1)
    client = APIClient()
    token = client.post(
        "/api/v1/auth/token/",
        {"email": "learner@example.com", "password": "demo-learner-pass"},
        format="json",
    ).json()["access"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    listed = client.get("/api/v1/courses/").json()["results"]
    assert [c["slug"] for c in listed] == [course.slug]


def test_running_again_keeps_the_published_version(debug_on, run):
    run()
    out = run()

    assert "Demo content: the course es-from-en is already here, left as it is" in out
    assert Course.objects.get().version == 1


def test_running_again_keeps_an_editors_change_to_the_demo_course(debug_on, run):
    run()
    lesson = Lesson.objects.order_by("pk").first()
    original_title = lesson.title
    lesson.title = "Hola, edited by an editor"
    lesson.save()

    run()

    lesson.refresh_from_db()
    assert lesson.title == "Hola, edited by an editor"
    assert original_title != lesson.title


def test_reset_course_imports_the_pack_again_over_the_edits(debug_on, run):
    run()
    lesson = Lesson.objects.order_by("pk").first()
    original_title = lesson.title
    lesson.title = "Hola, edited by an editor"
    lesson.save()

    out = run("--reset-course")

    assert "Demo content: re-imported and published" in out
    lesson.refresh_from_db()
    assert lesson.title == original_title
    assert Course.objects.get().status == CourseStatus.PUBLISHED


def test_the_demo_pack_is_where_the_content_engineer_puts_it(settings):
    expected = settings.BASE_DIR / "courses" / "demo" / "es-from-en" / "pack.json"

    assert expected == setup_demo.DEMO_PACK


def test_the_demo_teacher_gets_a_demo_class_with_the_demo_learner(debug_on, run):
    from classrooms.models import Classroom

    out = run()
    again = run()

    classroom = Classroom.objects.get()
    assert classroom.teachers.get().email == "teacher@example.com"
    assert classroom.memberships.get().student.email == "learner@example.com"
    assert classroom.assignments.count() == 1
    assert classroom.join_code in out
    assert "already there" in again
