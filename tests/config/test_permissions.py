"""Who gets what: every API endpoint (and the admin) against every kind of caller.

The matrix lists each (route name, method) of `api/v1/`; a route without a row fails
`test_every_api_route_has_a_row`, so a new endpoint cannot ship without saying who may call it.
A learner's own things (lesson sessions, review cards) are 404 to every other caller, staff
included: a 403 would tell a stranger that the id exists.

Adding a row: `("<url name>", "<METHOD>", "/api/v1/<path with {slug} {lesson} {session} {card}>",
<body or a function of the world, or None>, <expected statuses by actor>)`.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from accounts.services import token_pair_issue
from courses.models import Exercise
from progress.services import lesson_session_start
from tests.accounts.factories import UserFactory
from tests.classrooms.factories import MembershipFactory
from tests.courses.factories import WordFactory
from tests.progress.factories import EnrollmentFactory, build_path, right_answer
from tests.srs.factories import ReviewCardFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
ACTORS = ("anonymous", "learner", "other_learner", "teacher", "editor", "staff")
SIGNED_IN = ACTORS[1:]


def anyone(status: int) -> dict[str, int]:
    """A public endpoint: a token changes nothing."""
    return dict.fromkeys(ACTORS, status)


def signed_in(status: int) -> dict[str, int]:
    return {"anonymous": 401, **dict.fromkeys(SIGNED_IN, status)}


def owner_only(status: int) -> dict[str, int]:
    """The learner's own resource: everybody else is told it does not exist."""
    return {**signed_in(404), "learner": status}


@dataclass
class World:
    slug: str
    lesson: int
    session: int
    exercise: Exercise
    card: int
    username: str
    classroom: int
    join_code: str


def _session_answer(world: World) -> dict:
    return {"exercise": world.exercise.id, "answer": right_answer(world.exercise)}


# (url name, method, path, body, expected status by actor)
MATRIX: list[tuple[str, str, str, dict | Callable[[World], dict] | None, dict[str, int]]] = [
    # Public: the same answer to everyone (an empty body is invalid, whoever sends it).
    ("auth-register", "POST", "/api/v1/auth/register/", {}, anyone(400)),
    ("auth-token", "POST", "/api/v1/auth/token/", {}, anyone(400)),
    ("auth-token-refresh", "POST", "/api/v1/auth/token/refresh/", {}, anyone(400)),
    ("auth-logout", "POST", "/api/v1/auth/logout/", {}, anyone(400)),
    ("auth-token-mfa", "POST", "/api/v1/auth/token/mfa/", {}, anyone(400)),
    ("auth-password-reset", "POST", "/api/v1/auth/password/reset/", {}, anyone(400)),
    (
        "auth-password-reset-confirm",
        "POST",
        "/api/v1/auth/password/reset/confirm/",
        {},
        anyone(400),
    ),
    # No provider is set up in the tests: a 404 for everyone, not a 401 for anonymous callers.
    ("auth-social", "POST", "/api/v1/auth/social/google/", {"access_token": "t"}, anyone(404)),
    # The caller's own account: each actor acts on their own.
    ("me", "GET", "/api/v1/me/", None, signed_in(200)),
    ("me", "PATCH", "/api/v1/me/", {"display_name": "Renamed"}, signed_in(200)),
    ("me", "DELETE", "/api/v1/me/", {"password": PASSWORD}, signed_in(204)),
    ("me-export", "GET", "/api/v1/me/export/", None, signed_in(200)),
    (
        "me-password",
        "POST",
        "/api/v1/me/password/",
        {"current_password": PASSWORD, "new_password": "a-new-and-longer-passphrase-42"},
        signed_in(200),
    ),
    ("me-stats", "GET", "/api/v1/me/stats/", None, signed_in(200)),
    ("me-courses", "GET", "/api/v1/me/courses/", None, signed_in(200)),
    # Two-factor set-up: each actor on their own account, none of which has TOTP on yet.
    ("me-mfa-totp", "GET", "/api/v1/me/mfa/totp/", None, signed_in(200)),
    # 409 `mfa_setup_not_started`: nobody started a set-up.
    ("me-mfa-totp", "POST", "/api/v1/me/mfa/totp/", {"code": "123456"}, signed_in(409)),
    ("me-mfa-totp", "DELETE", "/api/v1/me/mfa/totp/", {"code": "123456"}, signed_in(409)),
    ("me-mfa-recovery-codes", "GET", "/api/v1/me/mfa/recovery-codes/", None, signed_in(409)),
    # The catalogue is public: a client shows courses before sign-up.
    ("course-list", "GET", "/api/v1/courses/", None, anyone(200)),
    ("course-detail", "GET", "/api/v1/courses/{slug}/", None, anyone(200)),
    (
        "course-enroll",
        "POST",
        "/api/v1/courses/{slug}/enroll/",
        None,
        {**signed_in(201), "learner": 200},  # the learner is already enrolled
    ),
    (
        "lesson-session-start",
        "POST",
        "/api/v1/lessons/{lesson}/sessions/",
        None,
        {**signed_in(403), "learner": 201},  # 403 `not_enrolled` for the others
    ),
    # Practice of met material: the learner has a session; the others have met nothing (409).
    (
        "practice-hearts",
        "POST",
        "/api/v1/practice/hearts/",
        None,
        {**signed_in(409), "learner": 201},
    ),
    # A learner's lesson session.
    ("session-detail", "GET", "/api/v1/sessions/{session}/", None, owner_only(200)),
    (
        "session-answer",
        "POST",
        "/api/v1/sessions/{session}/answers/",
        _session_answer,
        owner_only(200),
    ),
    # The owner reaches it: 409 `session_incomplete`, as nothing was answered yet.
    ("session-complete", "POST", "/api/v1/sessions/{session}/complete/", None, owner_only(409)),
    # Reviews: each caller's own queue and settings, and the learner's own card.
    ("reviews-due", "GET", "/api/v1/reviews/due/", None, signed_in(200)),
    ("reviews-forecast", "GET", "/api/v1/reviews/forecast/", None, signed_in(200)),
    ("reviews-settings", "GET", "/api/v1/reviews/settings/", None, signed_in(200)),
    (
        "reviews-settings",
        "PATCH",
        "/api/v1/reviews/settings/",
        {"new_cards_per_day": 5},
        signed_in(200),
    ),
    ("reviews-answer", "POST", "/api/v1/reviews/{card}/answer/", {"rating": 3}, owner_only(200)),
    # Achievements and quests: each caller's own.
    ("me-achievements", "GET", "/api/v1/me/achievements/", None, signed_in(200)),
    ("me-quests", "GET", "/api/v1/me/quests/", None, signed_in(200)),
    # Gems, shop and inventory: each caller's own wallet, with no gems yet.
    ("me-wallet", "GET", "/api/v1/me/wallet/", None, signed_in(200)),
    ("me-wallet-transactions", "GET", "/api/v1/me/wallet/transactions/", None, signed_in(200)),
    ("shop", "GET", "/api/v1/shop/", None, signed_in(200)),
    # 409 `insufficient_gems`: nobody has gems.
    ("shop-buy", "POST", "/api/v1/shop/streak-freeze/buy/", {}, signed_in(409)),
    ("me-inventory", "GET", "/api/v1/me/inventory/", None, signed_in(200)),
    # 409 `item_not_owned`: nobody holds one.
    ("me-inventory-use", "POST", "/api/v1/me/inventory/heart-refill/use/", None, signed_in(409)),
    # Social: the learner's public profile; the learner cannot follow or block themselves.
    ("users-search", "GET", "/api/v1/users/?search=zzz", None, signed_in(200)),
    ("user-profile", "GET", "/api/v1/users/{username}/", None, signed_in(200)),
    (
        "user-follow",
        "POST",
        "/api/v1/users/{username}/follow/",
        None,
        {**signed_in(201), "learner": 400},
    ),
    ("user-follow", "DELETE", "/api/v1/users/{username}/follow/", None, signed_in(204)),
    (
        "user-block",
        "POST",
        "/api/v1/users/{username}/block/",
        None,
        {**signed_in(201), "learner": 400},
    ),
    ("user-block", "DELETE", "/api/v1/users/{username}/block/", None, signed_in(204)),
    ("me-following", "GET", "/api/v1/me/following/", None, signed_in(200)),
    ("me-followers", "GET", "/api/v1/me/followers/", None, signed_in(200)),
    ("feed", "GET", "/api/v1/feed/", None, signed_in(200)),
    # Classrooms: the learner is a member of {classroom}; joining again is a 200.
    (
        "classrooms-join",
        "POST",
        "/api/v1/classrooms/join/",
        lambda world: {"code": world.join_code},
        {**signed_in(201), "learner": 200},
    ),
    ("me-classrooms", "GET", "/api/v1/me/classrooms/", None, signed_in(200)),
    ("me-classroom", "GET", "/api/v1/me/classrooms/{classroom}/", None, owner_only(200)),
    (
        "me-classroom",
        "PATCH",
        "/api/v1/me/classrooms/{classroom}/",
        {"share_email": True},
        owner_only(200),
    ),
    ("me-classroom", "DELETE", "/api/v1/me/classrooms/{classroom}/", None, owner_only(204)),
    (
        "me-classroom-leaderboard",
        "GET",
        "/api/v1/me/classrooms/{classroom}/leaderboard/",
        None,
        owner_only(200),
    ),
    ("me-assignments", "GET", "/api/v1/me/assignments/", None, signed_in(200)),
    # Leagues: each caller's own week, history and percentile.
    ("leaderboard", "GET", "/api/v1/leaderboard/", None, signed_in(200)),
    ("leaderboard-history", "GET", "/api/v1/leaderboard/history/", None, signed_in(200)),
    ("leaderboard-percentile", "GET", "/api/v1/leaderboard/percentile/", None, signed_in(200)),
]

ADMIN_EXPECTED = {
    "anonymous": 302,
    "learner": 302,
    "other_learner": 302,
    "teacher": 302,
    "editor": 200,
    "staff": 200,
}

_HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def _api_routes() -> set[tuple[str, str]]:
    """(url name, METHOD) of every view under api/v1/, from the URL resolver itself."""
    (v1,) = [
        p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "v1"
    ]
    routes: set[tuple[str, str]] = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                view = pattern.callback.view_class
                routes.update(
                    (pattern.name, method.upper())
                    for method in _HTTP_METHODS
                    if hasattr(view, method)
                )

    walk(v1.url_patterns)
    return routes


def test_every_api_route_has_a_row():
    rows = {(name, method) for name, method, *_ in MATRIX}

    routes = _api_routes()

    assert routes - rows == set(), "routes without a row in the permission matrix"
    assert rows - routes == set(), "rows for routes that no longer exist"


def test_every_row_says_what_each_actor_gets():
    for name, method, _path, _body, expected in MATRIX:
        assert set(expected) == set(ACTORS), (name, method)


def _actors() -> dict[str, object]:
    teacher = UserFactory(password=PASSWORD)
    teacher.groups.add(Group.objects.get(name="teachers"))
    editor = UserFactory(password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="editors"))
    return {
        "anonymous": None,
        "learner": UserFactory(password=PASSWORD),
        "other_learner": UserFactory(password=PASSWORD),
        "teacher": teacher,
        "editor": editor,
        "staff": UserFactory(password=PASSWORD, is_staff=True, is_superuser=True),
    }


def _world(learner) -> World:
    course, (lesson,) = build_path(((1,),), exercises=1)
    EnrollmentFactory(user=learner, course=course)
    session = lesson_session_start(user=learner, lesson=lesson)
    exercise = Exercise.objects.get(pk=session.exercises[0]["id"])
    card = ReviewCardFactory(user=learner, word=WordFactory(course=course))
    classroom = MembershipFactory(student=learner, classroom__course=course).classroom
    return World(
        slug=course.slug,
        lesson=lesson.id,
        session=session.id,
        exercise=exercise,
        card=card.id,
        username=learner.username,
        classroom=classroom.id,
        join_code=classroom.join_code,
    )


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("name", "method", "path", "body", "expected"),
    MATRIX,
    ids=[f"{method} {path}" for _name, method, path, _body, _expected in MATRIX],
)
def test_api_permission_matrix(actor, name, method, path, body, expected):
    users = _actors()
    world = _world(users["learner"])
    client = APIClient()
    if users[actor] is not None:
        access = token_pair_issue(user=users[actor]).access
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    url = path.format(
        slug=world.slug,
        lesson=world.lesson,
        session=world.session,
        card=world.card,
        username=world.username,
        classroom=world.classroom,
    )
    data = body(world) if callable(body) else body

    response = getattr(client, method.lower())(url, data, format="json")

    assert response.status_code == expected[actor], response.content
    if response.status_code >= 400:
        assert set(response.json()) == {"error"}


@pytest.mark.parametrize("actor", ACTORS)
def test_admin_lets_in_editors_and_staff_only(client, actor):
    user = _actors()[actor]
    if user is not None:
        client.force_login(user)

    response = client.get("/admin/")

    assert response.status_code == ADMIN_EXPECTED[actor]
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/admin/login/")
