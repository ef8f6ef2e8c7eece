"""One exception handler renders every error in the shape of API.md:

{"error": {"code": "...", "message": "...", "fields": {...}}}
"""

import logging

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from config.api.errors import ApplicationError

logger = logging.getLogger(__name__)

_DEFAULT_MESSAGES = {
    400: "The request is not valid.",
    401: "Authentication is required.",
    403: "You do not have permission to do this.",
    404: "Not found.",
    405: "This method is not allowed here.",
    429: "Too many requests; try again later.",
    500: "Something went wrong on our side.",
}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    error = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def _flatten_fields(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF nests errors of nested serializers; clients get dotted field paths instead."""
    fields: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            fields.update(_flatten_fields(value, name))
    elif isinstance(detail, list) and detail and all(isinstance(d, dict | list) for d in detail):
        for index, value in enumerate(detail):
            fields.update(_flatten_fields(value, f"{prefix}[{index}]"))
    else:
        items = detail if isinstance(detail, list) else [detail]
        fields[prefix or "non_field_errors"] = [str(item) for item in items]
    return fields


def _validation_response(detail) -> Response:
    fields = _flatten_fields(detail)
    general = fields.pop("non_field_errors", None) or fields.pop("detail", None)
    if general and not fields:
        message = general[0]
    elif general:
        message = general[0]
        fields["non_field_errors"] = general
    else:
        message = "Some fields are not valid."
    return Response(
        error_body("invalid", message, fields or None), status=status.HTTP_400_BAD_REQUEST
    )


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return _validation_response(as_serializer_error(exc))
    if isinstance(exc, SuspiciousOperation):
        # What Django answers 400 to (too many query fields, say) is caught here first when a
        # DRF view meets it; logged as Django would, on the security logger.
        request = context.get("request")
        logging.getLogger(f"django.security.{type(exc).__name__}").error(
            str(exc),
            exc_info=exc,
            extra={"status_code": 400, "request": getattr(request, "_request", request)},
        )
        return Response(
            error_body("bad_request", _DEFAULT_MESSAGES[400]), status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, exceptions.ValidationError):
        return _validation_response(exc.detail)

    response = drf_exception_handler(exc, context)
    if response is None:
        request = context.get("request")
        logger.exception(
            "Unhandled error serving %s %s",
            getattr(request, "method", "?"),
            getattr(request, "path", "?"),
        )
        return Response(
            error_body("server_error", _DEFAULT_MESSAGES[500]),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    detail = exc.detail if isinstance(exc, exceptions.APIException) else None
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    message = (
        str(detail)
        if isinstance(detail, str)
        else _DEFAULT_MESSAGES.get(response.status_code, "The request failed.")
    )
    response.data = error_body(code if isinstance(code, str) else "error", message)
    return response


# Django's own handlers, for the pages people read in a browser (the admin, allauth, /teach/):
# only the API answers in the JSON error shape.
_HTML_HANDLERS = {
    400: defaults.bad_request,
    403: defaults.permission_denied,
    404: defaults.page_not_found,
}


def is_api_path(path: str) -> bool:
    return path.startswith("/api/")


def _error_page(request, status_code: int, code: str, exception=None):
    if is_api_path(request.path):
        return JsonResponse(error_body(code, _DEFAULT_MESSAGES[status_code]), status=status_code)
    if status_code == 500:
        return defaults.server_error(request)
    return _HTML_HANDLERS[status_code](request, exception)


# Exempt: a POST to an unknown API path is a JSON 404, not Django's HTML CSRF page (a 403).
@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """The last API route: an unknown path under /api/ is a JSON 404 even with DEBUG on (Django
    shows its HTML technical 404 for unmatched URLs then, whatever handler404 says)."""
    return _error_page(request, 404, "not_found")


def handler404(request, exception=None):
    return _error_page(request, 404, "not_found", exception)


def handler500(request):
    return _error_page(request, 500, "server_error")


def handler403(request, exception=None):
    return _error_page(request, 403, "permission_denied", exception)


def handler400(request, exception=None):
    return _error_page(request, 400, "bad_request", exception)
