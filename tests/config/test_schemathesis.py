"""The API against its own OpenAPI schema: schemathesis, with all its default checks, in-process.

Every operation is fuzzed (schema-valid and schema-violating requests) as a learner signed in with
a real bearer token, and again anonymously. Whatever the server answers must be documented, in the
documented shape; valid requests must not be refused with 400, invalid ones must not be taken; no
5xx. Bounded for CI: a few deterministic examples per operation.

The learner has a published course with a lesson, an open session on it and a due review card;
path ids are sometimes swapped for those, so the operations reach real rows and not only 404s.
All operations of one test share that data (schemathesis runs them as subtests of one test), so
the operations that end the caller's login run apart, with a fresh learner for every request.
"""

import os
import time

import pytest
import schemathesis
from allauth.account.forms import default_token_generator as password_reset_token_generator
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from accounts.mfa import recovery_codes_list, totp_is_enabled, totp_setup_start
from accounts.models import User
from accounts.services import token_pair_issue
from accounts.usernames import validate_username
from accounts.validators import validate_display_text
from config.wsgi import application
from courses.models import Exercise
from progress.services import lesson_session_start
from tests.accounts.factories import UserFactory
from tests.courses.factories import WordFactory
from tests.progress.factories import EnrollmentFactory, build_path, right_answer
from tests.srs.factories import ReviewCardFactory

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8"))
PASSWORD = "correct-horse-battery-staple"

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": int(os.environ.get("SCHEMATHESIS_SEED", "8")),
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            # DRF refuses NUL in every string field (400), which the schema does not repeat on
            # each of them.
            "allow-x00": False,
        },
        # The stateful phase (links between operations) is not run by the pytest integration.
        "phases": {"coverage": {"enabled": True}, "examples": {"enabled": True}},
        # The coverage phase sends every value of an enum: the ~600 time zones would make the
        # first two operations most of the run's time. Fuzzing still draws time zones from the
        # enum. Its cases also skip `map_case`, so operations that take a secret (a code of the
        # authenticator app, a mailed token) are left to fuzzing, which gets them right.
        "operations": [
            {
                "include-path": path,
                "include-method": method,
                "phases": {"coverage": {"enabled": False}},
            }
            for method, path in [
                ("PATCH", "/api/v1/me/"),
                ("POST", "/api/v1/auth/register/"),
                ("POST", "/api/v1/me/mfa/totp/"),
                ("DELETE", "/api/v1/me/mfa/totp/"),
                ("POST", "/api/v1/auth/password/reset/confirm/"),
            ]
        ],
    }
)


def _world() -> dict[str, object]:
    learner = UserFactory(password=PASSWORD)
    course, (lesson,) = build_path(((1,),), exercises=2)
    EnrollmentFactory(user=learner, course=course)
    session = lesson_session_start(user=learner, lesson=lesson)
    exercises = list(Exercise.objects.filter(id__in=[item["id"] for item in session.exercises]))
    card = ReviewCardFactory(user=learner, word=WordFactory(course=course))
    return {
        "learner": learner,
        "access": token_pair_issue(user=learner).access,
        "exercises": exercises,
        "path": {
            "slug": course.slug,
            "lesson_id": lesson.id,
            "session_id": session.id,
            "card": card.id,
        },
    }


def _load(world: dict, *, token=None) -> schemathesis.schemas.BaseSchema:
    """The schema as the app serves it; `token()` gives the bearer token of each request (none:
    anonymous). Through schemathesis' auth, so that its cases without a token stay without."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)
    real = world["path"]

    if token is not None:

        @schema.auth(refresh_interval=None, retry_on=[])
        class _Bearer:
            def get(self, case, context):
                return token()

            def set(self, case, data, context):
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        if not path_parameters:
            return st.just(path_parameters)
        # Half the time, the generated ids become the learner's real ones (only where the
        # generated value is of the right kind: a negative case must stay negative).
        swapped = {
            name: real[name] if name in real and type(value) is type(real[name]) else value
            for name, value in path_parameters.items()
        }
        return st.sampled_from([path_parameters, swapped])

    @schema.hook
    def map_case(context, case):
        if case.meta is not None and case.meta.generation.mode.is_positive:
            rule = _UNSTATED_RULES.get((case.operation.method.upper(), case.operation.path))
            if rule is not None and isinstance(case.body, dict):
                rule(case.body, world)
        return case

    return schema


# What the server checks and no JSON schema can state: the caller's password, a password's
# strength, an email not taken yet, one setting bounded by another, each FSRS weight's own
# bounds, which exercises a session holds and the answer shape of each, which answer a card
# takes. Schema-valid requests are made to keep these too, so that a 400 for one of them is not
# mistaken for a schema that lies; everything else the fuzzer sends stays as generated. A new
# operation with such a rule (a secret code, a mailed token) gets an entry in _UNSTATED_RULES;
# one that ends the caller's login goes in _DESTRUCTIVE.


def _strong(password: object, **user_fields) -> str:
    try:
        validate_password(password, user=User(**user_fields))
    except (ValidationError, TypeError):
        return "fuzzed-but-strong-passphrase-42"
    return password


def _register(body: dict, world: dict) -> None:
    if User.objects.filter(email__iexact=str(body.get("email", ""))).exists():
        body["email"] = f"fresh{User.objects.count()}@example.com"
    body["password"] = _strong(body.get("password"), email=body.get("email", ""))
    _display_name(body)
    if "username" in body:
        _username(body)


def _password_change(body: dict, world: dict) -> None:
    body["current_password"] = PASSWORD
    body["new_password"] = _strong(body.get("new_password"))


def _delete_me(body: dict, world: dict) -> None:
    body["password"] = PASSWORD


def _session_answer(body: dict, world: dict) -> None:
    # An exercise of the session, answered in the shape its type takes.
    by_type = {exercise.type: exercise for exercise in world["exercises"]}
    answer = body.get("answer")
    if isinstance(answer, dict) and isinstance(answer.get("text"), str):
        body["exercise"], body["answer"] = by_type["translate"].id, {"text": answer["text"]}
    else:
        choice = by_type["multiple_choice"]
        body["exercise"], body["answer"] = choice.id, right_answer(choice)


def _card_answer(body: dict, world: dict) -> None:
    # Which answer a card takes depends on its word; a rating every card takes.
    if "answer" in body:
        del body["answer"]
        body["rating"] = 3


def _review_settings(body: dict, world: dict) -> None:
    if isinstance(body.get("parameters"), list):
        body["parameters"] = [
            min(max(value, low), high)
            for value, low, high in zip(
                body["parameters"], LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
            )
        ]
    if "new_cards_per_day" in body or "max_reviews_per_day" in body:
        new = body.get("new_cards_per_day", 0)
        body["new_cards_per_day"] = new
        body["max_reviews_per_day"] = max(body.get("max_reviews_per_day", new), new, 1)


def _password_reset_confirm(body: dict, world: dict) -> None:
    # A link as mailed, for an account of its own: a reset ends every login of the account.
    user = UserFactory(password=PASSWORD)
    body["uid"] = user_pk_to_url_str(user)
    body["token"] = password_reset_token_generator.make_token(user)
    body["password"] = _strong(body.get("password"), email=user.email)


def _totp_confirm(body: dict, world: dict) -> None:
    # The code the authenticator app shows for a set-up just started; once TOTP is on, the
    # request gets its documented 409 whatever the code.
    learner = world["learner"]
    if totp_is_enabled(user=learner):
        return
    secret = totp_setup_start(user=learner).secret
    body["code"] = format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _totp_deactivate(body: dict, world: dict) -> None:
    # An unused recovery code stands for the device's code; without TOTP on, the documented 409.
    learner = world["learner"]
    if totp_is_enabled(user=learner):
        body["code"] = recovery_codes_list(user=learner)[0]


def _display_name(body: dict) -> None:
    # The name's characters (no controls, invisible or bidi characters, not only marks) are
    # checked by accounts.validators; the schema cannot list Unicode categories.
    try:
        validate_display_text(body.get("display_name"))
    except (ValidationError, TypeError):
        body["display_name"] = "Fuzzed Name"


def _username(body: dict) -> None:
    # The username's characters and its being free: a left-out username is suggested.
    try:
        validate_username(body.get("username"))
    except (ValidationError, TypeError):
        body.pop("username", None)
    else:
        if User.objects.filter(username__iexact=body["username"]).exists():
            body.pop("username")


def _me_update(body: dict, world: dict) -> None:
    if "display_name" in body:
        _display_name(body)
    if "username" in body:
        _username(body)


_UNSTATED_RULES = {
    ("PATCH", "/api/v1/me/"): _me_update,
    ("DELETE", "/api/v1/me/mfa/totp/"): _totp_deactivate,
    ("POST", "/api/v1/auth/password/reset/confirm/"): _password_reset_confirm,
    ("POST", "/api/v1/me/mfa/totp/"): _totp_confirm,
    ("POST", "/api/v1/auth/register/"): _register,
    ("POST", "/api/v1/me/password/"): _password_change,
    ("DELETE", "/api/v1/me/"): _delete_me,
    ("PATCH", "/api/v1/reviews/settings/"): _review_settings,
    ("POST", "/api/v1/sessions/{session_id}/answers/"): _session_answer,
    ("POST", "/api/v1/reviews/{card}/answer/"): _card_answer,
}


@pytest.fixture
def world(db):
    # The real WSGI handler closes "old" connections around each request; inside the test's
    # transaction that would close it. Django's test client does the same disconnecting.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield _world()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# Operations that end the caller's login (a password change, a deletion): each example gets a
# learner of its own, so that one of them succeeding does not turn the rest of the run into 401s.
_DESTRUCTIVE = [("DELETE", "/api/v1/me/"), ("POST", "/api/v1/me/password/")]


def _destructive(ctx) -> bool:
    return (ctx.operation.method.upper(), ctx.operation.path) in _DESTRUCTIVE


@pytest.fixture
def learner_schema(world):
    return _load(world, token=lambda: world["access"])


@pytest.fixture
def destructive_schema(world):
    return _load(world, token=lambda: token_pair_issue(user=UserFactory(password=PASSWORD)).access)


@pytest.fixture
def anonymous_schema(world):
    return _load(world)


# Filters go on the lazy schemas: the pytest integration applies theirs, not the fixture's.
learner_api = schemathesis.pytest.from_fixture("learner_schema").exclude(_destructive)
destructive_api = schemathesis.pytest.from_fixture("destructive_schema").include(_destructive)
anonymous_api = schemathesis.pytest.from_fixture("anonymous_schema")

_SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@learner_api.parametrize()
@_SETTINGS
def test_the_api_keeps_to_its_schema_for_a_learner(case):
    case.call_and_validate()


@destructive_api.parametrize()
@_SETTINGS
def test_operations_that_end_the_login_keep_to_the_schema(case):
    case.call_and_validate()


@anonymous_api.parametrize()
@_SETTINGS
def test_the_api_keeps_to_its_schema_for_anonymous_callers(case):
    case.call_and_validate()
