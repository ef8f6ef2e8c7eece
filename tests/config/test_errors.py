"""Every 4xx and 5xx leaves in the one error shape of API.md, through throwaway views."""

import json
import logging

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.test import Client
from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.errors import ApplicationError, Conflict
from config.middleware import RequestIDLogFilter
from tests.accounts.factories import UserFactory


class _Open(APIView):
    permission_classes = [AllowAny]


class GetOnlyView(_Open):
    def get(self, request):
        return Response({"ok": True})


class Http404View(_Open):
    def get(self, request):
        raise Http404("no such thing")


class PrivateView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"ok": True})


class _Input(serializers.Serializer):
    email = serializers.EmailField()
    age = serializers.IntegerField(min_value=0)


class ValidateView(_Open):
    def post(self, request):
        _Input(data=request.data).is_valid(raise_exception=True)
        return Response({"ok": True})


class DjangoValidationView(_Open):
    def post(self, request):
        raise DjangoValidationError({"timezone": ["Not a time zone."]})


class ApplicationErrorView(_Open):
    def post(self, request):
        raise ApplicationError("This lesson is locked.", code="lesson_locked", status_code=403)


class ConflictView(_Open):
    def post(self, request):
        raise Conflict("Already enrolled.")


class BrokenView(_Open):
    def get(self, request):
        raise RuntimeError("the unexpected")


def broken_django_view(request):
    raise RuntimeError("the unexpected, outside DRF")


def forbidden_django_view(request):
    raise PermissionDenied


urlpatterns = [
    path("api/get-only/", GetOnlyView.as_view()),
    path("api/http404/", Http404View.as_view()),
    path("api/private/", PrivateView.as_view()),
    path("api/validate/", ValidateView.as_view()),
    path("api/django-validation/", DjangoValidationView.as_view()),
    path("api/application-error/", ApplicationErrorView.as_view()),
    path("api/conflict/", ConflictView.as_view()),
    path("api/broken/", BrokenView.as_view()),
    path("api/plain-broken/", broken_django_view),
    path("plain/broken/", broken_django_view),
    path("plain/forbidden/", forbidden_django_view),
]
handler403 = "config.api.exceptions.handler403"
handler404 = "config.api.exceptions.handler404"
handler500 = "config.api.exceptions.handler500"

throwaway_urls = pytest.mark.urls("tests.config.test_errors")


def _error(response) -> dict:
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"]) <= {"code", "message", "fields"}
    assert body["error"]["message"]
    return body["error"]


@pytest.mark.django_db
def test_unknown_api_path_is_404_in_the_error_shape(client):
    response = client.get("/api/v1/no-such-endpoint/")

    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


@throwaway_urls
def test_http404_raised_in_a_view_is_404_in_the_error_shape(api_client):
    response = api_client.get("/api/http404/")

    assert response.status_code == 404
    assert _error(response) == {"code": "not_found", "message": "Not found."}


@throwaway_urls
def test_wrong_method_is_405(api_client):
    response = api_client.delete("/api/get-only/")

    assert response.status_code == 405
    assert _error(response)["code"] == "method_not_allowed"


@throwaway_urls
def test_anonymous_call_to_a_private_endpoint_is_401(api_client):
    response = api_client.get("/api/private/")

    assert response.status_code == 401
    assert _error(response)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@throwaway_urls
def test_invalid_input_is_400_with_the_fields_that_failed(api_client):
    response = api_client.post("/api/validate/", {"email": "nope", "age": -1}, format="json")

    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"email", "age"}
    assert all(
        isinstance(message, str) for messages in error["fields"].values() for message in messages
    )


@throwaway_urls
def test_malformed_json_is_400(api_client):
    response = api_client.post("/api/validate/", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert _error(response)["code"] == "parse_error"


@throwaway_urls
def test_django_validation_error_is_400_with_fields(api_client):
    response = api_client.post("/api/django-validation/")

    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "invalid"
    assert error["fields"] == {"timezone": ["Not a time zone."]}


@throwaway_urls
def test_application_error_keeps_its_code_message_and_status(api_client):
    response = api_client.post("/api/application-error/")

    assert response.status_code == 403
    assert _error(response) == {"code": "lesson_locked", "message": "This lesson is locked."}


@throwaway_urls
def test_application_error_subclass_has_its_default_code(api_client):
    response = api_client.post("/api/conflict/")

    assert response.status_code == 409
    assert _error(response) == {"code": "conflict", "message": "Already enrolled."}


@pytest.fixture
def error_log(caplog):
    # The request id reaches records through the filter the console handler carries in LOGGING.
    caplog.handler.addFilter(RequestIDLogFilter())
    caplog.set_level(logging.ERROR)
    return caplog


@throwaway_urls
def test_unexpected_exception_is_500_in_the_shape_and_logged_with_the_request_id(
    api_client, error_log
):
    response = api_client.get("/api/broken/", HTTP_X_REQUEST_ID="req-500-test")

    assert response.status_code == 500
    assert _error(response) == {
        "code": "server_error",
        "message": "Something went wrong on our side.",
    }
    assert "the unexpected" not in response.content.decode()
    [record] = [r for r in error_log.records if r.name == "config.api.exceptions"]
    assert record.request_id == "req-500-test" == response["X-Request-ID"]
    assert "GET /api/broken/" in record.getMessage()
    assert record.exc_info and isinstance(record.exc_info[1], RuntimeError)


@throwaway_urls
def test_unexpected_exception_under_the_api_outside_drf_is_500_in_the_shape():
    client = Client(raise_request_exception=False)

    response = client.get("/api/plain-broken/")

    assert response.status_code == 500
    assert _error(response) == {
        "code": "server_error",
        "message": "Something went wrong on our side.",
    }


@throwaway_urls
@pytest.mark.parametrize(
    ("path", "status"), [("/plain/broken/", 500), ("/plain/forbidden/", 403), ("/nowhere/", 404)]
)
def test_pages_outside_the_api_keep_djangos_html_error_pages(path, status):
    response = Client(raise_request_exception=False).get(path)

    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")


def test_an_unknown_api_path_is_json_even_with_debug_on(client, settings):
    settings.DEBUG = True

    response = client.get("/api/v1/no-such-endpoint/")

    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


@pytest.mark.django_db
def test_an_editor_refused_the_user_admin_gets_an_html_page(client):
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name="editors"))
    client.force_login(editor)

    response = client.get("/admin/accounts/user/")

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_a_4xx_response_is_logged_once_with_its_request_id(api_client, caplog):
    caplog.handler.addFilter(RequestIDLogFilter())
    with caplog.at_level(logging.INFO):
        response = api_client.get("/api/v1/me/", HTTP_X_REQUEST_ID="req-401-log")

    assert response.status_code == 401
    [record] = [r for r in caplog.records if "/api/v1/me/" in r.getMessage()]
    assert record.name == "config.access"
    assert record.getMessage().startswith("GET /api/v1/me/ 401 ")
    assert record.request_id == "req-401-log"


@throwaway_urls
def test_a_json_body_over_the_upload_limit_is_413_and_not_parsed(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"email": "ana@example.com", "age": 3, "pad": "x" * 2048})

    response = api_client.post("/api/validate/", body, content_type="application/json")

    assert response.status_code == 413
    assert _error(response)["code"] == "request_too_large"


@throwaway_urls
def test_a_json_body_within_the_upload_limit_is_parsed(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"email": "ana@example.com", "age": 3, "pad": "x" * 900})

    response = api_client.post("/api/validate/", body, content_type="application/json")

    assert response.status_code == 200


@throwaway_urls
def test_json_nested_too_deeply_for_the_decoder_is_400_not_500(api_client):
    body = "[" * 100_000 + "]" * 100_000

    response = api_client.post("/api/validate/", body, content_type="application/json")

    assert response.status_code == 400
    assert _error(response)["code"] == "parse_error"
    assert "nested too deeply" in _error(response)["message"]


@throwaway_urls
def test_a_query_string_with_too_many_fields_is_400_not_500(api_client, settings, caplog):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    query = "&".join(f"f{n}=1" for n in range(11))

    with caplog.at_level(logging.ERROR):
        response = api_client.get(f"/api/get-only/?{query}")

    assert response.status_code == 400
    assert _error(response)["code"] == "bad_request"
    assert {r.name for r in caplog.records} >= {"django.security.TooManyFieldsSent"}
    assert "config.api.exceptions" not in {r.name for r in caplog.records}


def test_django_records_are_printed_once_through_the_root_handler():
    # Django's DEBUG console handler on "django" would print every record a second time.
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django").propagate
