"""The error every layer raises when a request cannot be served as asked.

Services raise `ApplicationError` (or a subclass) with a machine code from their app's
`error_codes`; the exception handler renders it in the one error shape of API.md.
"""

from collections.abc import Mapping, Sequence

from config.api.error_codes import ApiErrorCode


class ApplicationError(Exception):
    status_code = 400
    default_code = ApiErrorCode.BAD_REQUEST

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status_code: int | None = None,
        fields: Mapping[str, Sequence[str]] | None = None,
        extra: Mapping[str, object] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        if status_code is not None:
            self.status_code = status_code
        self.fields = dict(fields) if fields else None
        # More machine-readable detail beside code and message (e.g. the ids still owed).
        self.extra = dict(extra) if extra else None


class NotFound(ApplicationError):
    status_code = 404
    default_code = ApiErrorCode.NOT_FOUND


class Forbidden(ApplicationError):
    status_code = 403
    default_code = ApiErrorCode.PERMISSION_DENIED


class Conflict(ApplicationError):
    status_code = 409
    default_code = ApiErrorCode.CONFLICT
