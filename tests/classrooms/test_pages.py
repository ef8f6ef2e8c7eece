"""What the teacher pages do, given a class with a few students (see conftest.a_class)."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from classrooms.models import Assignment, Classroom
from progress.models import LessonSession, SessionAnswer
from tests.accounts.factories import UserFactory
from tests.classrooms.factories import AssignmentFactory, MembershipFactory, make_teacher
from tests.courses.factories import CourseFactory
from tests.gamification.factories import XpEventFactory
from tests.progress.factories import LessonProgressFactory

pytestmark = pytest.mark.django_db


def _page(client, classroom, query=""):
    response = client.get(f"/teach/classrooms/{classroom.id}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_teacher_creates_a_class_and_sees_its_join_code(client):
    teacher = make_teacher(timezone="America/Lima")
    course = CourseFactory(published=True, slug="spanish")
    client.force_login(teacher)

    form = client.get("/teach/classrooms/new/").content.decode()
    response = client.post("/teach/classrooms/new/", {"name": "7A", "course": "spanish"})

    assert 'name="name"' in form and 'name="course"' in form
    classroom = Classroom.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/teach/classrooms/{classroom.id}/"
    assert (classroom.course, classroom.timezone) == (course, "America/Lima")
    page = _page(client, classroom)
    code = re.search(r'data-testid="join-code">([A-Z0-9]+)<', page).group(1)
    assert code == classroom.join_code
    assert f"/teach/join/{code}/" in page


def test_a_draft_course_cannot_be_chosen(client):
    CourseFactory(slug="draft")
    client.force_login(make_teacher())

    response = client.post("/teach/classrooms/new/", {"name": "7A", "course": "draft"})

    assert response.status_code == 400
    assert not Classroom.objects.exists()


def test_an_assignment_is_set_with_repeated_lesson_ids(client, a_class):
    client.force_login(a_class.co_teacher)
    url = f"/teach/classrooms/{a_class.classroom.id}/assignments/new/"

    response = client.post(
        url,
        {
            "title": "Food",
            "lessons": [a_class.lessons[0].id, a_class.lessons[2].id],
            "xp_goal": "",
            "starts_at": "2025-03-03",
            "due_at": "2025-03-09",
        },
    )

    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert set(assignment.lessons.all()) == {a_class.lessons[0], a_class.lessons[2]}
    assert (assignment.starts_at, assignment.due_at, assignment.xp_goal) == (
        date(2025, 3, 3),
        date(2025, 3, 9),
        0,
    )
    assert assignment.created_by == a_class.co_teacher


def test_an_invalid_assignment_shows_errors_and_writes_nothing(client, a_class):
    client.force_login(a_class.owner)
    url = f"/teach/classrooms/{a_class.classroom.id}/assignments/new/"

    response = client.post(
        url, {"title": "Food", "starts_at": "2025-03-09", "due_at": "2025-03-03", "xp_goal": "5"}
    )

    assert response.status_code == 400
    assert "cannot be before the start" in response.content.decode()
    assert not Assignment.objects.exists()


def test_the_roster_sorts_on_the_server(client, a_class):
    busy = MembershipFactory(
        classroom=a_class.classroom, student=UserFactory(username="zed")
    ).student
    XpEventFactory(user=busy, amount=80, created_at=timezone.now())
    XpEventFactory(user=a_class.student, amount=10, created_at=timezone.now())
    client.force_login(a_class.owner)

    page = _page(client, a_class.classroom, "?sort=-week_xp")

    order = re.findall(r'<tr data-student="([^"]+)"', page)
    assert order == ["zed", a_class.student.username]
    assert 'aria-sort="descending"' in page
    # The caption names the column as its heading does, not by the query's key.
    assert "sorted by xp this week (highest first)" in page
    assert order[::-1] == re.findall(
        r'<tr data-student="([^"]+)"', _page(client, a_class.classroom, "?sort=week_xp")
    )


def test_the_teacher_sees_no_email_unless_the_student_shares_it(client, a_class):
    student = a_class.student
    client.force_login(a_class.owner)

    hidden = _page(client, a_class.classroom)
    a_class.classroom.memberships.update(share_email=True)
    shown = _page(client, a_class.classroom)

    assert student.email not in hidden
    assert student.email in shown
    assert student.password not in hidden + shown
    assert "/admin/login/?next" not in shown  # and no way to act as the student


def test_alerts_follow_the_thresholds_in_the_query(client, a_class):
    a_class.classroom.memberships.update(joined_at=timezone.now() - timedelta(days=5))
    client.force_login(a_class.owner)

    default = _page(client, a_class.classroom)
    strict = _page(client, a_class.classroom, "?inactive_days=3&accuracy_below=60")

    assert "Inactive for 5 days" not in default
    assert "Inactive for 5 days" in strict


def test_overdue_assignments_raise_an_alert(client, a_class):
    AssignmentFactory(classroom=a_class.classroom, title="Old homework", xp_goal=10)
    client.force_login(a_class.owner)

    page = _page(client, a_class.classroom)

    assert "Overdue: Old homework." in page
    assert 'data-testid="completion-chart"' in page


def _answer(student, exercise, answer, *, correct, first_try):
    session = LessonSession.objects.create(
        user=student, lesson=exercise.lesson, seed="s", exercises=[]
    )
    SessionAnswer.objects.create(
        session=session,
        exercise_id=exercise.id,
        answer=answer,
        correct=correct,
        first_try=first_try,
        solution="",
    )


def test_item_analytics_worst_first_with_the_common_wrong_answers(client, a_class):
    easy, hard = a_class.lessons[0].exercises.order_by("position")[:2]
    others = [MembershipFactory(classroom=a_class.classroom).student for _ in range(3)]
    for student in [a_class.student, *others]:
        _answer(student, easy, {"text": "right"}, correct=True, first_try=True)
    for student, text in zip(others, ["gato", "gato", "perro"], strict=True):
        _answer(student, hard, {"text": text}, correct=False, first_try=True)
    _answer(a_class.student, hard, {"text": "=cmd|' /C calc'!A0"}, correct=False, first_try=True)
    outsider = UserFactory()  # not in the class: not counted
    _answer(outsider, hard, {"text": "x"}, correct=True, first_try=True)
    client.force_login(a_class.owner)

    page = client.get(f"/teach/classrooms/{a_class.classroom.id}/items/").content.decode()
    response = client.get(f"/teach/classrooms/{a_class.classroom.id}/items.csv")

    assert page.index(f"#{hard.id}") < page.index(f"#{easy.id}")
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert b"\r\n" in raw
    header, first, second = rows
    assert header[:2] == ["exercise_id", "unit"]
    hard_row = dict(zip(header, first, strict=True))
    assert hard_row["exercise_id"] == str(hard.id)
    assert hard_row["attempts"] == "4"
    assert hard_row["first_try_accuracy"] == "0"
    assert (hard_row["wrong_answer_1"], hard_row["wrong_answer_1_count"]) == ("gato", "2")
    assert "'=cmd|' /C calc'!A0" in (hard_row["wrong_answer_2"], hard_row["wrong_answer_3"])
    assert dict(zip(header, second, strict=True))["first_try_accuracy"] == "100"


def test_the_progress_csv_has_a_row_per_student_and_a_column_per_assignment(client, a_class):
    lesson = a_class.lessons[0]
    today = timezone.now().date()
    homework = AssignmentFactory(
        classroom=a_class.classroom,
        title="+Lesson 1",
        lessons=[lesson],
        starts_at=today,
        due_at=today + timedelta(days=2),
    )
    LessonProgressFactory(user=a_class.student, lesson=lesson)
    sly = MembershipFactory(
        classroom=a_class.classroom, student=UserFactory(display_name="@SUM(1+1)")
    ).student
    client.force_login(a_class.owner)

    response = client.get(f"/teach/classrooms/{a_class.classroom.id}/progress.csv")

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    by_name = {row["username"]: row for row in rows}
    column = f"'+Lesson 1 (due {homework.due_at.isoformat()})"
    assert by_name[a_class.student.username][column] == "done"
    assert by_name[sly.username][column] == "open"
    assert by_name[sly.username]["display_name"] == "'@SUM(1+1)"
    assert by_name[sly.username]["email"] == ""


def test_settings_rename_regenerate_archive_and_co_teacher(client, a_class):
    classroom = a_class.classroom
    colleague = make_teacher(email="colleague@example.com")
    client.force_login(a_class.owner)
    base = f"/teach/classrooms/{classroom.id}"
    old_code = classroom.join_code

    client.post(f"{base}/settings/", {"name": "Renamed", "timezone": "Asia/Tokyo"})
    client.post(f"{base}/code/")
    client.post(f"{base}/teachers/", {"email": "COLLEAGUE@example.com"})
    client.post(f"{base}/archive/", {"archive": "1"})

    classroom.refresh_from_db()
    assert (classroom.name, classroom.timezone) == ("Renamed", "Asia/Tokyo")
    assert classroom.join_code != old_code
    assert classroom.teachers.filter(pk=colleague.pk).exists()
    assert classroom.archived_at is not None
    assert 'data-testid="join-code"' not in _page(client, classroom)


def test_the_digest_is_opt_in(client, a_class):
    client.force_login(a_class.owner)

    off = client.get("/teach/").context["digest_form"]["weekly_digest"].value()
    client.post("/teach/", {"weekly_digest": "on"})
    on = client.get("/teach/").context["digest_form"]["weekly_digest"].value()

    assert a_class.owner.teacher_settings.weekly_digest is True
    assert (off, on) == (False, True)


def test_a_bad_threshold_keeps_its_default_and_says_so(client, a_class):
    a_class.classroom.memberships.update(joined_at=timezone.now() - timedelta(days=8))
    client.force_login(a_class.owner)

    page = _page(client, a_class.classroom, "?inactive_days=abc&accuracy_below=50")

    assert "Inactive for 8 days" in page
    assert "Enter a whole number." in page


def test_the_student_page_shows_lessons_unit_accuracy_and_most_missed(client, a_class):
    first, second = a_class.lessons[0].exercises.order_by("position")[:2]
    student = a_class.student
    _answer(student, first, {"text": "right"}, correct=True, first_try=True)
    _answer(student, second, {"text": "wrongly"}, correct=False, first_try=True)
    LessonProgressFactory(user=student, lesson=a_class.lessons[0], best_score=50)
    client.force_login(a_class.co_teacher)

    page = client.get(
        f"/teach/classrooms/{a_class.classroom.id}/students/{student.pk}/"
    ).content.decode()

    assert a_class.lessons[0].unit.title in page
    assert "50%" in page  # one of two first tries right, and the best score
    assert "“wrongly” \u00d71" in page
    assert a_class.lessons[0].title in page
    assert student.email not in page


def test_an_assignment_of_another_class_cannot_be_deleted_through_this_one(client, a_class):
    elsewhere = AssignmentFactory(xp_goal=5)
    mine = AssignmentFactory(classroom=a_class.classroom, xp_goal=5)
    client.force_login(a_class.owner)
    base = f"/teach/classrooms/{a_class.classroom.id}/assignments"

    refused = client.post(f"{base}/{elsewhere.id}/delete/")
    deleted = client.post(f"{base}/{mine.id}/delete/")

    assert (refused.status_code, deleted.status_code) == (404, 302)
    assert list(Assignment.objects.all()) == [elsewhere]


def test_a_student_who_joined_after_the_due_day_is_not_overdue(client, a_class):
    AssignmentFactory(classroom=a_class.classroom, title="Old homework", xp_goal=10)
    late_joiner = MembershipFactory(classroom=a_class.classroom, joined_at=timezone.now()).student
    client.force_login(a_class.owner)

    page = _page(client, a_class.classroom)
    response = client.get(f"/teach/classrooms/{a_class.classroom.id}/progress.csv")

    assert page.count("Overdue: Old homework.") == 1  # the student who was there, not the newcomer
    assert "not set" in page
    rows = {
        row["username"]: row
        for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline=""))
    }
    assert rows[late_joiner.username]["Old homework (due 2025-03-09)"] == ""
    assert rows[a_class.student.username]["Old homework (due 2025-03-09)"] == "missed"


def test_the_class_page_names_its_owner_first(client, a_class):
    client.force_login(a_class.co_teacher)

    page = _page(client, a_class.classroom)

    assert "taught by Olga Owner, Cora Co" in " ".join(page.split())
