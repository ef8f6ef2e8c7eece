"""The league table in the web client updates live over the WebSocket: another learner's XP
arrives without a reload. The other learner studies through the API of the same ASGI live
server, as a second device would."""

import json
import urllib.request

import pytest

from accounts.services import token_pair_issue
from tests.accounts.factories import UserFactory
from tests.courses.factories import build_course
from tests.e2e.test_learn_client import DESKTOP, PHONE, SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# build_course's exercises and their answers in the API's shapes (tests/courses/factories.py).
TEXT = {"translate": "Hello", "fill_blank": "Buenos", "listen_type": "hola"}


class Device:
    """A learner's client speaking to the live server's API with a bearer token."""

    def __init__(self, base: str, user):
        self.base = base
        self.access = token_pair_issue(user=user).access

    def call(self, method: str, path: str, body: dict | None = None) -> dict | None:
        request = urllib.request.Request(
            f"{self.base}/api/v1/{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.access}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def finish_first_lesson(self, course) -> int:
        self.call("POST", f"courses/{course.slug}/enroll/")
        first = self.call("GET", f"courses/{course.slug}/")["sections"][0]["units"][0]["lessons"][0]
        session = self.call("POST", f"lessons/{first['id']}/sessions/")
        for exercise in session["exercises"]:
            self.call(
                "POST",
                f"sessions/{session['id']}/answers/",
                {"exercise": exercise["id"], "answer": right_answer(exercise)},
            )
        return self.call("POST", f"sessions/{session['id']}/complete/")["xp_earned"]


def right_answer(exercise: dict) -> dict:
    kind = exercise["type"]
    if kind == "multiple_choice":
        return {"option": next(o["id"] for o in exercise["options"] if o["text"] == "hola")}
    if kind == "word_bank":
        return {"text": "Buenas noches"}
    if kind == "match_pairs":
        return {"pairs": [["hola", "hello"], ["adiós", "goodbye"]]}
    return {"text": TEXT[kind]}


def test_another_learners_xp_arrives_in_the_league_table_without_a_reload(
    asgi_live_server, page, password
):
    course = build_course(lessons=2, exercises_per_lesson=6, slug="spanish", title="Spanish")
    ana = UserFactory(password=password, display_name="Ana", username="ana")
    ben = UserFactory(password=password, display_name="Ben", username="ben")
    Device(asgi_live_server.url, ana).finish_first_lesson(course)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size(PHONE)

    # Ana signs in (the client's sign-in form) and opens the league.
    page.goto(f"{asgi_live_server.url}/learn/#/league")
    page.get_by_label("Email").fill(ana.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="League").wait_for()
    page.locator('[data-testid="live-state"][data-state="live"]').wait_for()
    assert page.locator("tr[data-username]").count() == 1
    assert page.get_by_test_id("percentile").inner_text().startswith("10 XP this week")
    assert page.locator('tr[data-username="ben"]').count() == 0

    # Ben studies on his own device: his XP puts him in Ana's league, live.
    ben_xp = Device(asgi_live_server.url, ben).finish_first_lesson(course)
    assert ben_xp > 0
    row = page.locator('tr[data-username="ben"]')
    row.wait_for()
    assert row.get_by_test_id("league-xp").inner_text() == str(ben_xp)
    assert page.locator("tr[data-username]").count() == 2
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"league-{label}.png"))
    assert errors == []
