"""The OpenAPI schema says what the server does: the errors each operation answers, in one shape,
and the bounds of what it takes. The server keeps to it: strict page numbers, strings that are
strings, time zones as listed."""

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS
from rest_framework.test import APIClient

from tests.accounts.helpers import assert_error
from tests.courses.factories import CourseFactory

pytestmark = pytest.mark.django_db

ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def _component(schema, name):
    return schema["components"]["schemas"][name]


def test_the_error_component_is_the_error_shape(schema):
    error = _component(schema, "Error")
    detail = _component(schema, "ErrorDetail")

    assert error["required"] == ["error"]
    assert error["properties"]["error"] == {"$ref": "#/components/schemas/ErrorDetail"}
    assert set(detail["properties"]) == {"code", "message", "fields"}
    assert set(detail["required"]) == {"code", "message"}
    assert detail["properties"]["fields"]["additionalProperties"] == {
        "type": "array",
        "items": {"type": "string"},
    }


def test_every_error_response_is_in_the_error_shape(schema):
    for label, operation in _operations(schema):
        for code, response in operation["responses"].items():
            if int(code) >= 400:
                assert response["content"]["application/json"]["schema"] == ERROR_REF, (
                    label,
                    code,
                )


def test_every_operation_that_needs_a_token_documents_401(schema):
    authenticated = [
        (label, operation)
        for label, operation in _operations(schema)
        if {"jwtAuth": []} in operation.get("security", [])
    ]

    assert len(authenticated) > 10
    for label, operation in authenticated:
        assert "401" in operation["responses"], label


def test_public_operations_do_not_claim_a_401_for_a_missing_token(schema):
    register = schema["paths"]["/api/v1/auth/register/"]["post"]

    assert "401" not in register["responses"]


@pytest.mark.parametrize(
    ("path", "method", "codes"),
    [
        ("/api/v1/lessons/{lesson_id}/sessions/", "post", {"403", "404", "409"}),
        ("/api/v1/sessions/{session_id}/answers/", "post", {"400", "404", "409"}),
        ("/api/v1/sessions/{session_id}/complete/", "post", {"404", "409"}),
        ("/api/v1/reviews/{card}/answer/", "post", {"400", "404", "409"}),
        ("/api/v1/courses/{slug}/enroll/", "post", {"404"}),
        ("/api/v1/courses/", "get", {"400", "404"}),  # a bad page number; a page past the last
        ("/api/v1/me/", "delete", {"400", "409", "429"}),
    ],
)
def test_operations_document_the_errors_they_answer(schema, path, method, codes):
    assert codes <= set(schema["paths"][path][method]["responses"])


def test_time_zones_are_the_servers_list(schema):
    for name in ("RegisterInputRequest", "PatchedMeUpdateInputRequest"):
        timezone = _component(schema, name)["properties"]["timezone"]
        (ref,) = timezone["allOf"]
        names = _component(schema, ref["$ref"].rsplit("/", 1)[1])["enum"]

        assert "Europe/Madrid" in names
        assert "Mars/Olympus" not in names


def test_review_settings_are_bounded_as_the_server_checks_them(schema):
    settings = _component(schema, "PatchedReviewSettingsRequest")["properties"]

    assert (settings["desired_retention"]["minimum"], settings["desired_retention"]["maximum"]) == (
        0.7,
        0.99,
    )
    assert settings["new_cards_per_day"]["maximum"] == 500
    assert settings["learning_steps"]["maxItems"] == 10
    assert settings["learning_steps"]["items"]["minimum"] >= 1
    parameters = settings["parameters"]
    assert parameters["minItems"] == parameters["maxItems"] == len(LOWER_BOUNDS_PARAMETERS)
    assert parameters["items"]["minimum"] == 0
    assert parameters["items"]["maximum"] == 100


def test_page_numbers_are_documented_from_1(schema):
    parameters = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/courses/"]["get"]["parameters"]
    }

    assert parameters["page"]["minimum"] == 1
    assert (parameters["page_size"]["minimum"], parameters["page_size"]["maximum"]) == (1, 200)


# --- The server keeps to it --------------------------------------------------------------------


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", " 1", "last"])
def test_a_page_that_is_not_a_whole_number_from_1_is_a_400(auth_client, page):
    CourseFactory(published=True)

    response = auth_client.get("/api/v1/courses/", {"page": page})

    assert_error(response, 400, "invalid_page", fields=["page"])


@pytest.mark.parametrize("page_size", ["0", "-5", "abc", "201"])
def test_a_page_size_out_of_range_is_a_400(auth_client, page_size):
    response = auth_client.get("/api/v1/courses/", {"page_size": page_size})

    assert_error(response, 400, "invalid_page_size", fields=["page_size"])


def test_a_page_past_the_last_is_a_404_and_the_last_page_answers(auth_client):
    CourseFactory.create_batch(3, published=True)

    assert auth_client.get("/api/v1/courses/", {"page": 2, "page_size": 2}).status_code == 200
    assert_error(auth_client.get("/api/v1/courses/", {"page": 3, "page_size": 2}), 404, "not_found")


@pytest.mark.parametrize("display_name", [0, 12.5, True, ["Ana"]])
def test_a_string_field_takes_only_strings(auth_client, display_name):
    response = auth_client.patch("/api/v1/me/", {"display_name": display_name}, format="json")

    assert_error(response, 400, "invalid", fields=["display_name"])


def test_a_time_zone_is_taken_only_as_listed(auth_client):
    response = auth_client.patch("/api/v1/me/", {"timezone": " Europe/Madrid"}, format="json")

    assert_error(response, 400, "invalid", fields=["timezone"])
    assert auth_client.patch("/api/v1/me/", {"timezone": "Europe/Madrid"}).status_code == 200


def test_a_post_to_an_unknown_api_path_is_a_json_404_not_a_csrf_page():
    # A browser-like client that enforces CSRF, as the real server does.
    response = Client(enforce_csrf_checks=True).post("/api/v1/no-such-thing/", {})

    assert_error(response, 404, "not_found")


def test_an_anonymous_post_to_an_unknown_api_path_is_a_json_404():
    response = APIClient(enforce_csrf_checks=True).post("/api/v1/courses/x/y/z/", {})

    assert response.status_code == 404
    assert set(response.json()) == {"error"}


def test_a_review_answer_is_documented_as_an_answer_or_a_rating_not_both(schema):
    answer = _component(schema, "AnswerInputRequest")

    assert answer["oneOf"] == [{"required": ["answer"]}, {"required": ["rating"]}]
    assert schema["paths"]["/api/v1/reviews/{card}/answer/"]["post"]["requestBody"]["required"]
    assert answer["properties"]["answer"]["type"] == "object"


def test_a_session_answer_is_documented_as_a_json_object(schema):
    answer = _component(schema, "SessionAnswerInputRequest")["properties"]["answer"]

    assert answer["type"] == "object"


@pytest.mark.parametrize(
    ("path", "name"), [("/api/v1/reviews/due/", "limit"), ("/api/v1/reviews/forecast/", "days")]
)
def test_an_empty_query_number_is_a_400_not_the_default(auth_client, path, name):
    response = auth_client.get(path, {name: ""})

    assert_error(response, 400, "invalid", fields=[name])


def test_a_social_login_is_documented_as_needing_one_of_its_tokens(schema):
    social = _component(schema, "SocialLoginInputRequest")

    assert social["anyOf"] == [{"required": ["access_token"]}, {"required": ["id_token"]}]
    assert schema["paths"]["/api/v1/auth/social/{provider}/"]["post"]["requestBody"]["required"]
