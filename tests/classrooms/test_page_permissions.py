"""Every teacher page and export against every kind of visitor: the class's owner, its
co-teacher, another teacher, a student of the class, and an anonymous visitor."""

import pytest

from tests.classrooms.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

VISITORS = ("owner", "co_teacher", "other_teacher", "student", "anonymous")
# Pages of one class: teachers of it get the page; another teacher is told it does not exist; a
# student is refused the teacher pages; a stranger is sent to sign in.
CLASS_EXPECTED = {"owner": 200, "co_teacher": 200, "other_teacher": 404, "student": 403}

CLASS_PAGES = [
    "/teach/classrooms/{id}/",
    "/teach/classrooms/{id}/settings/",
    "/teach/classrooms/{id}/assignments/new/",
    "/teach/classrooms/{id}/students/{student}/",
    "/teach/classrooms/{id}/items/",
    "/teach/classrooms/{id}/progress.csv",
    "/teach/classrooms/{id}/items.csv",
]
CLASS_POSTS = [
    ("/teach/classrooms/{id}/settings/", {"name": "Renamed", "timezone": "UTC"}, 302),
    ("/teach/classrooms/{id}/code/", {}, 302),
    ("/teach/classrooms/{id}/archive/", {"archive": "1"}, 302),
    ("/teach/classrooms/{id}/teachers/", {"email": "nobody@example.com"}, 400),
    ("/teach/classrooms/{id}/teachers/{co}/remove/", {}, 302),
    ("/teach/classrooms/{id}/assignments/{assignment}/delete/", {}, 302),
    (
        "/teach/classrooms/{id}/assignments/new/",
        {"title": "Week", "xp_goal": "10", "starts_at": "2025-03-03", "due_at": "2025-03-09"},
        302,
    ),
]


def _visit(client, a_class, visitor):
    if visitor != "anonymous":
        client.force_login(getattr(a_class, visitor))


def _url(path, a_class):
    assignment = AssignmentFactory(classroom=a_class.classroom, xp_goal=10)
    return path.format(
        id=a_class.classroom.id,
        student=a_class.student.pk,
        co=a_class.co_teacher.pk,
        assignment=assignment.pk,
    )


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("path", CLASS_PAGES)
def test_class_pages(client, a_class, visitor, path):
    AssignmentFactory(classroom=a_class.classroom, lessons=a_class.lessons[:1])
    _visit(client, a_class, visitor)

    response = client.get(_url(path, a_class))

    if visitor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == CLASS_EXPECTED[visitor]


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize(("path", "data", "teacher_status"), CLASS_POSTS)
def test_class_actions(client, a_class, visitor, path, data, teacher_status):
    _visit(client, a_class, visitor)

    response = client.post(_url(path, a_class), data)

    if visitor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    elif visitor in ("owner", "co_teacher"):
        assert response.status_code == teacher_status
    else:
        assert response.status_code == CLASS_EXPECTED[visitor]


@pytest.mark.parametrize(
    ("visitor", "expected"),
    [("owner", 200), ("other_teacher", 200), ("student", 403), ("anonymous", 302)],
)
@pytest.mark.parametrize("path", ["/teach/", "/teach/classrooms/new/"])
def test_teacher_wide_pages(client, a_class, visitor, expected, path):
    _visit(client, a_class, visitor)

    assert client.get(path).status_code == expected


def test_another_teachers_class_is_not_listed(client, a_class):
    client.force_login(a_class.other_teacher)

    assert a_class.classroom.name not in client.get("/teach/").content.decode()


def test_a_student_who_left_is_no_longer_the_teachers_to_look_at(client, a_class):
    from django.utils import timezone

    a_class.classroom.memberships.update(left_at=timezone.now())
    client.force_login(a_class.owner)

    student_page = client.get(
        f"/teach/classrooms/{a_class.classroom.id}/students/{a_class.student.pk}/"
    )
    class_page = client.get(f"/teach/classrooms/{a_class.classroom.id}/").content.decode()

    assert student_page.status_code == 404
    assert "Left the class" in class_page
    assert a_class.student.username in class_page
