import pytest

from tests.classrooms.factories import AssignmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["classroom", "assignment", "membership", "teachersettings", "digestsent"]
)
def test_changelists_open(admin_client, model):
    AssignmentFactory(classroom=MembershipFactory().classroom)

    response = admin_client.get(f"/admin/classrooms/{model}/?q=a")

    assert response.status_code == 200


def test_a_classroom_opens_with_its_teachers_and_students(admin_client):
    membership = MembershipFactory()

    response = admin_client.get(f"/admin/classrooms/classroom/{membership.classroom_id}/change/")

    assert response.status_code == 200
    assert membership.student.email in response.content.decode()


def test_the_add_form_of_an_assignment_opens(admin_client):
    assert admin_client.get("/admin/classrooms/assignment/add/").status_code == 200
