import pytest

from courses.models import Exercise
from tests.progress.factories import EnrollmentFactory, build_path, right_answer


@pytest.fixture
def path(db):
    """A published course of one unit with three lessons of three exercises each."""
    return build_path(((3,),), exercises=3)


@pytest.fixture
def course(path):
    return path[0]


@pytest.fixture
def lessons(path):
    return path[1]


@pytest.fixture
def enrolled(user, course):
    return EnrollmentFactory(user=user, course=course)


class LearnerApi:
    """The calls a learner's client makes, so tests read as the journey they describe."""

    def __init__(self, client):
        self.client = client

    def enroll(self, course):
        return self.client.post(f"/api/v1/courses/{course.slug}/enroll/")

    def course(self, course):
        return self.client.get(f"/api/v1/courses/{course.slug}/")

    def start(self, lesson):
        return self.client.post(f"/api/v1/lessons/{lesson.id}/sessions/")

    def answer(self, session_id, exercise_id, answer, client_id=None):
        body = {"exercise": exercise_id, "answer": answer}
        if client_id is not None:
            body["client_id"] = str(client_id)
        return self.client.post(f"/api/v1/sessions/{session_id}/answers/", body, format="json")

    def answer_all_right(self, session: dict, *, skip=()):
        for item in session["exercises"]:
            if item["id"] not in skip:
                exercise = Exercise.objects.get(id=item["id"])
                response = self.answer(session["id"], item["id"], right_answer(exercise))
                assert response.status_code == 200, response.json()

    def complete(self, session_id):
        return self.client.post(f"/api/v1/sessions/{session_id}/complete/")

    def stats(self):
        return self.client.get("/api/v1/me/stats/")


@pytest.fixture
def learner(auth_client):
    return LearnerApi(auth_client)
