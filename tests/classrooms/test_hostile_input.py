"""What the teacher pages, the invite link and the exports do with input nobody should send:
a clear 4xx (or the form again, with its errors), nothing half-written, never a 500. And what a
teacher must not see or do."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from classrooms import views
from classrooms.models import Assignment, Classroom, ClassroomTeacher, Membership
from classrooms.services import (
    JOIN_MISSES_ALLOWED,
    classroom_join,
    teacher_settings_update,
    weekly_digest_send,
)
from tests.accounts.factories import UserFactory
from tests.classrooms.factories import AssignmentFactory, ClassroomFactory, MembershipFactory

pytestmark = pytest.mark.django_db

WEEK = {"title": "Week", "xp_goal": "10"}


@pytest.mark.parametrize(
    ("zone", "starts_at", "due_at", "field"),
    [
        # The day after 9999-12-31 does not exist: the class page would fail on it forever.
        ("Europe/Madrid", "2025-03-03", "9999-12-31", "due_at"),
        # Midnight of 0001-01-01 in Tokyo is before the first instant Python can hold in UTC.
        ("Asia/Tokyo", "0001-01-01", "0001-01-02", "starts_at"),
        ("UTC", "1999-12-31", "2025-03-04", "starts_at"),
    ],
)
def test_a_date_out_of_any_school_year_is_refused_and_the_class_page_still_opens(
    client, a_class, zone, starts_at, due_at, field
):
    Classroom.objects.filter(pk=a_class.classroom.pk).update(timezone=zone)
    client.force_login(a_class.owner)
    base = f"/teach/classrooms/{a_class.classroom.id}"

    response = client.post(
        f"{base}/assignments/new/", {**WEEK, "starts_at": starts_at, "due_at": due_at}
    )

    assert response.status_code == 400
    assert "A day from 2000-01-01 to 2099-12-31." in response.content.decode()
    assert response.context["form"].errors[field]
    assert not Assignment.objects.exists()
    assert client.get(f"{base}/").status_code == 200
    assert client.get(f"{base}/progress.csv").status_code == 200


def test_the_database_refuses_an_assignment_day_out_of_range(a_class):
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(
            classroom=a_class.classroom, starts_at=date(2025, 3, 3), due_at=date(9999, 12, 31)
        )


@pytest.mark.parametrize(
    ("model", "changes"),
    [
        (Classroom, {"join_code": "abc123"}),  # never typed in: codes are looked up upper-cased
        (Classroom, {"join_code": "AB"}),
        (ClassroomTeacher, {"role": "student"}),
    ],
)
def test_the_database_refuses_a_code_or_role_nobody_could_use(a_class, model, changes):
    rows = model.objects.filter(
        **({"pk": a_class.classroom.pk} if model is Classroom else {"teacher": a_class.co_teacher})
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(**changes)


@pytest.mark.parametrize(
    "body",
    [
        {**WEEK, "lessons": ["abc"], "starts_at": "2025-03-03", "due_at": "2025-03-04"},
        {**WEEK, "lessons": ["99999999999999999999"], "starts_at": "2025-03-03", "due_at": "x"},
        {**WEEK, "xp_goal": "-1", "starts_at": "2025-03-03", "due_at": "2025-03-04"},
        {**WEEK, "xp_goal": "1e9", "starts_at": "2025-03-03", "due_at": "2025-03-04"},
        {**WEEK, "title": "x" * 10_000, "starts_at": "2025-03-03", "due_at": "2025-03-04"},
        {**WEEK, "title": "a\x00b", "starts_at": "2025-03-03", "due_at": "2025-03-04"},
        {**WEEK, "starts_at": "2025-13-03", "due_at": "2025-03-04"},
    ],
)
def test_garbage_in_the_assignment_form_is_a_400_that_writes_nothing(client, a_class, body):
    client.force_login(a_class.owner)

    response = client.post(f"/teach/classrooms/{a_class.classroom.id}/assignments/new/", body)

    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Assignment.objects.exists()


def test_a_lesson_of_another_course_is_not_a_choice(client, a_class, another_course_lesson):
    client.force_login(a_class.owner)

    response = client.post(
        f"/teach/classrooms/{a_class.classroom.id}/assignments/new/",
        {
            **WEEK,
            "lessons": [another_course_lesson.id],
            "starts_at": "2025-03-03",
            "due_at": "2025-03-04",
        },
    )

    assert response.status_code == 400
    assert "lessons" in response.context["form"].errors
    assert not Assignment.objects.exists()


@pytest.fixture
def another_course_lesson(db):
    from tests.progress.factories import build_path

    _course, lessons = build_path(((1,),), exercises=1)
    return lessons[0]


@pytest.mark.parametrize(
    "query", ["?sort=zzz", "?sort=--name", "?sort=%00", "?inactive_days=1e99&accuracy_below=-5"]
)
def test_unknown_sort_keys_and_thresholds_still_render_the_class_page(client, a_class, query):
    client.force_login(a_class.owner)

    response = client.get(f"/teach/classrooms/{a_class.classroom.id}/{query}")

    assert response.status_code == 200


def test_invalid_settings_come_back_as_a_400_with_the_errors(client, a_class):
    client.force_login(a_class.owner)

    response = client.post(
        f"/teach/classrooms/{a_class.classroom.id}/settings/",
        {"name": "y" * 5000, "timezone": "Mars/Base"},
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "timezone"}
    a_class.classroom.refresh_from_db()
    assert a_class.classroom.name != "y" * 5000


# --- The join code ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["%00", "AB%00CD", "A" * 500, "%C3%A9%C3%A9", "..", "%20"])
def test_an_invite_link_with_a_mangled_code_is_a_404(client, user, code):
    client.force_login(user)

    opened = client.get(f"/teach/join/{code}/")
    posted = client.post(f"/teach/join/{code}/")

    assert (opened.status_code, posted.status_code) == (404, 404)
    assert not Membership.objects.filter(student=user).exists()


def test_an_archived_class_cannot_be_joined_by_link_or_by_code(client, user, a_class):
    classroom = a_class.classroom
    Classroom.objects.filter(pk=classroom.pk).update(archived_at=timezone.now())
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)

    opened = client.get(f"/teach/join/{classroom.join_code}/")
    posted = client.post(f"/teach/join/{classroom.join_code}/")
    by_code = api.post("/api/v1/classrooms/join/", {"code": classroom.join_code}, format="json")

    assert (opened.status_code, posted.status_code, by_code.status_code) == (404, 404, 404)
    assert by_code.json()["error"]["code"] == "invalid_code"
    assert not Membership.objects.filter(student=user).exists()


def test_a_class_archived_between_the_invite_page_and_the_click_is_a_404(
    client, user, a_class, monkeypatch
):
    """The invite page checked the code; by the time of the click, the class is archived."""
    classroom = a_class.classroom
    Classroom.objects.filter(pk=classroom.pk).update(archived_at=timezone.now())
    monkeypatch.setattr(views, "classroom_by_code_for", lambda *, user, code: classroom)
    client.force_login(user)

    response = client.post(f"/teach/join/{classroom.join_code}/")

    assert response.status_code == 404
    assert not Membership.objects.filter(student=user).exists()


def test_guessing_join_codes_is_stopped_after_twenty_misses(client, user, a_class):
    api = APIClient()
    api.force_authenticate(user)
    other = APIClient()
    other.force_authenticate(UserFactory())
    code = a_class.classroom.join_code

    misses = [
        api.post("/api/v1/classrooms/join/", {"code": f"ZZZZ{n:02d}"}, format="json").status_code
        for n in range(JOIN_MISSES_ALLOWED)
    ]
    blocked = api.post("/api/v1/classrooms/join/", {"code": code}, format="json")
    client.force_login(user)
    page = client.get(f"/teach/join/{code}/")
    someone_else = other.post("/api/v1/classrooms/join/", {"code": code}, format="json")

    assert set(misses) == {404}
    # Even the right code: a different answer would tell the guesser they had found one.
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "throttled"
    assert page.status_code == 429
    assert "Too many wrong join codes" in page.content.decode()
    assert not Membership.objects.filter(student=user).exists()
    assert someone_else.status_code == 201


def test_joining_right_codes_never_counts_as_guessing(user):
    classrooms = [ClassroomFactory() for _ in range(JOIN_MISSES_ALLOWED + 1)]

    for classroom in classrooms:
        classroom_join(student=user, code=classroom.join_code)

    assert Membership.objects.filter(student=user).count() == len(classrooms)


def test_a_teacher_of_the_class_cannot_join_it_as_a_student(client, a_class):
    """Following their own invite to try it would put the teacher on their own roster."""
    code = a_class.classroom.join_code
    api = APIClient()
    api.force_authenticate(a_class.co_teacher)
    client.force_login(a_class.owner)

    by_code = api.post("/api/v1/classrooms/join/", {"code": code}, format="json")
    opened = client.get(f"/teach/join/{code}/")
    posted = client.post(f"/teach/join/{code}/")

    assert by_code.status_code == 409
    assert by_code.json()["error"]["code"] == "teaches_classroom"
    assert opened.status_code == 200
    assert "You teach this class" in opened.content.decode()
    assert "Join the class" not in opened.content.decode()
    assert posted.status_code == 409
    assert not Membership.objects.filter(student__in=[a_class.owner, a_class.co_teacher]).exists()


# --- Archive and co-teachers --------------------------------------------------------------------


@pytest.mark.parametrize("value", ["true", "yes", ""])
def test_an_archive_choice_other_than_1_or_0_is_a_400_that_changes_nothing(client, a_class, value):
    Classroom.objects.filter(pk=a_class.classroom.pk).update(archived_at=timezone.now())
    client.force_login(a_class.owner)

    response = client.post(f"/teach/classrooms/{a_class.classroom.id}/archive/", {"archive": value})

    assert response.status_code == 400
    a_class.classroom.refresh_from_db()
    assert a_class.classroom.archived_at is not None


def test_removing_a_teacher_who_is_no_co_teacher_is_a_404(client, a_class):
    client.force_login(a_class.co_teacher)
    base = f"/teach/classrooms/{a_class.classroom.id}/teachers"

    owner = client.post(f"{base}/{a_class.owner.pk}/remove/")
    stranger = client.post(f"{base}/{a_class.other_teacher.pk}/remove/")
    huge = client.post(f"{base}/99999999999999999999999/remove/")

    assert (owner.status_code, stranger.status_code, huge.status_code) == (404, 404, 404)
    assert ClassroomTeacher.objects.filter(classroom=a_class.classroom).count() == 2


def test_a_removed_co_teacher_loses_the_class(client, a_class):
    client.force_login(a_class.co_teacher)
    base = f"/teach/classrooms/{a_class.classroom.id}"

    left = client.post(f"{base}/teachers/{a_class.co_teacher.pk}/remove/")

    assert (left.status_code, left["Location"]) == (302, "/teach/")
    for path in ("/", f"/students/{a_class.student.pk}/", "/progress.csv"):
        assert client.get(f"{base}{path}").status_code == 404
    assert a_class.classroom not in client.get("/teach/").context["classrooms"]


# --- CSV ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("Élève 7B", "eleve-7b"),
        ("Ελληνικά", "class-{id}"),
        ('7B "x"\r\nSet-Cookie: a=b', "7b-x-set-cookie-ab"),
        ("=HYPERLINK(1)", "hyperlink1"),
    ],
)
def test_the_csv_file_name_is_plain_ascii_whatever_the_class_name(client, a_class, name, filename):
    classroom = a_class.classroom
    Classroom.objects.filter(pk=classroom.pk).update(name=name)
    client.force_login(a_class.owner)

    for export in ("progress", "items"):
        response = client.get(f"/teach/classrooms/{classroom.id}/{export}.csv")

        expected = filename.format(id=classroom.id)
        assert response["Content-Disposition"] == (
            f'attachment; filename="{expected}-{export}.csv"'
        )
        assert response.content.startswith("\ufeff".encode())


# --- What a teacher sees ------------------------------------------------------------------------


def test_a_student_without_a_display_name_is_shown_by_username_never_by_email(client, a_class):
    """`get_short_name()` falls back to the email's local part: not for a teacher's eyes."""
    quiet = MembershipFactory(
        classroom=a_class.classroom,
        student=UserFactory(display_name="", username="kit", email="secret.person@example.com"),
        joined_at=datetime(2025, 1, 1, tzinfo=UTC),
    ).student
    client.force_login(a_class.owner)
    base = f"/teach/classrooms/{a_class.classroom.id}"

    pages = [
        client.get(f"{base}/?inactive_days=1").content.decode(),
        client.get(f"{base}/students/{quiet.pk}/").content.decode(),
        client.get(f"{base}/progress.csv").content.decode("utf-8-sig"),
    ]
    teacher_settings_update(teacher=a_class.owner, weekly_digest=True)
    weekly_digest_send(at=timezone.now() + timedelta(days=1))

    assert "Inactive for" in pages[0]
    assert all("secret.person" not in page for page in pages)
    assert "kit" in pages[1]
    assert "secret.person" not in mail.outbox[0].body
    assert "kit" in mail.outbox[0].body


# --- CSRF ---------------------------------------------------------------------------------------

POSTS = [
    "/teach/",
    "/teach/classrooms/new/",
    "/teach/classrooms/{id}/settings/",
    "/teach/classrooms/{id}/archive/",
    "/teach/classrooms/{id}/code/",
    "/teach/classrooms/{id}/teachers/",
    "/teach/classrooms/{id}/teachers/{co}/remove/",
    "/teach/classrooms/{id}/assignments/new/",
    "/teach/classrooms/{id}/assignments/{assignment}/delete/",
    "/teach/join/{code}/",
]


@pytest.mark.parametrize("path", POSTS)
def test_every_form_post_needs_the_csrf_token(a_class, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(a_class.owner)
    assignment = AssignmentFactory(classroom=a_class.classroom, xp_goal=10)
    code = a_class.classroom.join_code
    url = path.format(
        id=a_class.classroom.id, co=a_class.co_teacher.pk, assignment=assignment.pk, code=code
    )

    response = client.post(url, {"name": "x", "archive": "1", "email": "a@example.com"})

    assert response.status_code == 403
    a_class.classroom.refresh_from_db()
    assert (a_class.classroom.archived_at, a_class.classroom.join_code) == (None, code)
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_a_student_of_another_class_is_not_reachable_through_this_one(client, a_class):
    elsewhere = MembershipFactory(classroom=ClassroomFactory(owner=a_class.other_teacher)).student
    client.force_login(a_class.owner)

    response = client.get(f"/teach/classrooms/{a_class.classroom.id}/students/{elsewhere.pk}/")

    assert response.status_code == 404


def test_adding_the_owner_as_co_teacher_says_they_already_teach_and_changes_nothing(
    client, a_class
):
    client.force_login(a_class.co_teacher)

    response = client.post(
        f"/teach/classrooms/{a_class.classroom.id}/teachers/",
        {"email": a_class.owner.email},
        follow=True,
    )

    assert "Olga Owner already teaches this class." in response.content.decode()
    assert ClassroomTeacher.objects.get(teacher=a_class.owner).role == "owner"
