from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from classrooms.models import Membership
from tests.accounts.factories import UserFactory
from tests.classrooms.factories import (
    AssignmentFactory,
    ClassroomFactory,
    MembershipFactory,
    make_teacher,
)
from tests.gamification.factories import XpEventFactory
from tests.progress.factories import LessonProgressFactory, build_path

pytestmark = pytest.mark.django_db

JOIN = "/api/v1/classrooms/join/"
MINE = "/api/v1/me/classrooms/"
ASSIGNMENTS = "/api/v1/me/assignments/"


def test_joining_by_code_answers_201_then_200(auth_client, user):
    classroom = ClassroomFactory(owner=make_teacher(display_name="Ms Rivera"))

    first = auth_client.post(JOIN, {"code": classroom.join_code.lower()})
    again = auth_client.post(JOIN, {"code": classroom.join_code})

    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json() == again.json()
    body = first.json()
    assert {key: body[key] for key in ("id", "name", "teacher", "course")} == {
        "id": classroom.id,
        "name": classroom.name,
        "teacher": "Ms Rivera",
        "course": classroom.course.slug,
    }


def test_a_wrong_code_is_404_invalid_code(auth_client):
    response = auth_client.post(JOIN, {"code": "ZZZZZZ"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "invalid_code"


def test_no_code_is_a_400(auth_client):
    response = auth_client.post(JOIN, {})

    assert response.status_code == 400
    assert "code" in response.json()["error"]["fields"]


def test_the_learner_lists_and_leaves_their_classrooms(auth_client, user):
    kept = MembershipFactory(student=user).classroom
    left = MembershipFactory(student=user).classroom
    MembershipFactory()  # someone else's

    assert auth_client.delete(f"{MINE}{left.id}/").status_code == 204
    listed = auth_client.get(MINE).json()

    assert [row["id"] for row in listed["results"]] == [kept.id]
    assert auth_client.delete(f"{MINE}{left.id}/").status_code == 404
    assert Membership.objects.get(classroom=left, student=user).left_at is not None


def test_a_learner_chooses_to_share_their_email(auth_client, user):
    classroom = MembershipFactory(student=user).classroom

    response = auth_client.patch(f"{MINE}{classroom.id}/", {"share_email": True})

    assert response.status_code == 200
    assert response.json()["share_email"] is True
    assert Membership.objects.get(classroom=classroom, student=user).share_email


def test_assignments_come_with_progress_and_status(auth_client, user):
    course, lessons = build_path(((2,),), exercises=1)
    classroom = ClassroomFactory(course=course)
    MembershipFactory(classroom=classroom, student=user)
    today = timezone.now().date()
    current = AssignmentFactory(
        classroom=classroom,
        lessons=lessons,
        starts_at=today - timedelta(days=1),
        due_at=today + timedelta(days=3),
    )
    past = AssignmentFactory(
        classroom=classroom, xp_goal=100, starts_at=date(2024, 1, 1), due_at=date(2024, 1, 7)
    )
    AssignmentFactory()  # another class's
    LessonProgressFactory(user=user, lesson=lessons[0])

    body = auth_client.get(ASSIGNMENTS).json()

    by_id = {row["id"]: row for row in body}
    assert set(by_id) == {current.id, past.id}
    assert by_id[current.id]["status"] == "open"
    assert by_id[current.id]["lessons"] == sorted(lesson.id for lesson in lessons)
    assert by_id[current.id]["progress"]["percent"] == 50
    assert by_id[current.id]["classroom"] == classroom.id
    assert by_id[past.id]["status"] == "missed"
    assert by_id[past.id]["due_at"] == "2024-01-07"


def test_assignments_of_a_class_left_are_gone(auth_client, user):
    membership = MembershipFactory(student=user, left_at=timezone.now())
    AssignmentFactory(classroom=membership.classroom, xp_goal=10)

    assert auth_client.get(ASSIGNMENTS).json() == []


def test_the_assignment_list_costs_the_same_for_many_assignments(
    auth_client, user, django_assert_max_num_queries
):
    course, lessons = build_path(((3,),), exercises=1)
    classroom = ClassroomFactory(course=course)
    MembershipFactory(classroom=classroom, student=user)
    for i in range(15):
        AssignmentFactory(classroom=classroom, lessons=lessons[: 1 + i % 3], xp_goal=i * 10)

    with django_assert_max_num_queries(6):
        response = auth_client.get(ASSIGNMENTS)

    assert len(response.json()) == 15


def test_the_class_leaderboard_ranks_this_week_xp_among_classmates(auth_client, user):
    classroom = MembershipFactory(student=user).classroom
    mate = MembershipFactory(classroom=classroom).student
    hidden = MembershipFactory(classroom=classroom, student=UserFactory(leaderboard_opt_out=True))
    gone = MembershipFactory(classroom=classroom, left_at=timezone.now()).student
    now = timezone.now()
    XpEventFactory(user=user, amount=20, created_at=now)
    XpEventFactory(user=mate, amount=50, created_at=now)
    XpEventFactory(user=gone, amount=90, created_at=now)
    XpEventFactory(user=mate, amount=500, created_at=now - timedelta(days=8))

    body = auth_client.get(f"{MINE}{classroom.id}/leaderboard/").json()

    assert [(row["username"], row["xp"], row["rank"]) for row in body["standings"]] == [
        (mate.username, 50, 1),
        (user.username, 20, 2),
    ]
    assert hidden.student.username not in str(body)
    assert datetime.fromisoformat(body["week_start"]).weekday() == 0
    assert datetime.fromisoformat(body["week_start"]).tzinfo.utcoffset(None) == UTC.utcoffset(None)


def test_another_class_leaderboard_is_404(auth_client):
    classroom = MembershipFactory().classroom

    response = auth_client.get(f"{MINE}{classroom.id}/leaderboard/")

    assert response.status_code == 404


def test_the_classroom_list_and_leaderboard_cost_the_same_for_big_classes(
    auth_client, user, django_assert_max_num_queries
):
    classrooms = [MembershipFactory(student=user).classroom for _ in range(6)]
    for _ in range(30):
        mate = MembershipFactory(classroom=classrooms[0]).student
        XpEventFactory(user=mate, amount=5, created_at=timezone.now())

    with django_assert_max_num_queries(4):
        listed = auth_client.get(MINE)
    with django_assert_max_num_queries(4):
        board = auth_client.get(f"{MINE}{classrooms[0].id}/leaderboard/")

    assert listed.json()["count"] == 6
    assert len(board.json()["standings"]) == 31


def test_an_assignment_due_before_the_learner_joined_is_not_theirs(auth_client, user):
    classroom = ClassroomFactory(timezone="Asia/Tokyo")
    # Due 9 March in Tokyo: over at 9 March 15:00 UTC.
    AssignmentFactory(classroom=classroom, xp_goal=10, due_at=date(2025, 3, 9))
    current = AssignmentFactory(classroom=classroom, xp_goal=10, due_at=date(2025, 3, 10))
    MembershipFactory(
        classroom=classroom, student=user, joined_at=datetime(2025, 3, 9, 15, 0, tzinfo=UTC)
    )

    body = auth_client.get(ASSIGNMENTS).json()

    assert [row["id"] for row in body] == [current.id]
