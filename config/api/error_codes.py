"""Codes of the errors the API layer answers with whatever the app (validation, not found, ...).

Each code string is defined once in the project: here when any app may answer it, otherwise in
the one app whose domain it belongs to (`<app>/error_codes.py`, `<App>ErrorCode`)."""

from enum import StrEnum


class ApiErrorCode(StrEnum):
    BAD_REQUEST = "bad_request"
    INVALID = "invalid"  # every validation error (see config.api.exceptions)
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    CONFLICT = "conflict"
    # DRF's throttles raise it (login, registration, password reset).
    THROTTLED = "throttled"
    CSRF_FAILED = "csrf_failed"
    INVALID_PAGE = "invalid_page"
    INVALID_PAGE_SIZE = "invalid_page_size"
    NOT_READY = "not_ready"  # /readyz: a service the site needs is down
    SERVER_ERROR = "server_error"
